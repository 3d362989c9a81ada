using Quartz;

namespace ContactHub.Campaigns;

[DisallowConcurrentExecution]
public sealed class CampaignEvaluatorJob(CampaignEvaluator evaluator, ILogger<CampaignEvaluatorJob> logger) : IJob
{
    public static readonly JobKey Key = new("campaign-evaluator", "campaigns");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try
        {
            await evaluator.RunAsync(ct);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            CampaignLog.EvaluationFailed(logger, ex.GetType().Name);
        }
    }
}
