namespace ContactHub.Channels.Twilio;

internal static partial class TwilioLog
{
    [LoggerMessage(4001, LogLevel.Warning, "Rejected a Twilio webhook on {Path}: {Reason}")]
    public static partial void Rejected(ILogger logger, string path, string reason);

    [LoggerMessage(4002, LogLevel.Information, "Contact {ContactId} {Change} on {Channel}")]
    public static partial void ConsentChanged(ILogger logger, long contactId, string change, string channel);

    [LoggerMessage(4003, LogLevel.Debug, "Status callback for message {Sid} that ContactHub did not record")]
    public static partial void UnknownMessage(ILogger logger, string sid);
}
