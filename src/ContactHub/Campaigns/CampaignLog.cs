namespace ContactHub.Campaigns;

internal static partial class CampaignLog
{
    [LoggerMessage(9001, LogLevel.Information, "Campaign {CampaignId} queued a {Channel} message to contact {ContactId}")]
    public static partial void Queued(ILogger logger, long campaignId, long contactId, string channel);

    [LoggerMessage(9002, LogLevel.Warning, "Campaign evaluation failed ({Error}); it runs again at the next interval")]
    public static partial void EvaluationFailed(ILogger logger, string error);
}
