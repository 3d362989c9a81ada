using Quartz;

namespace ContactHub.Channels.Email;

/// <summary>Polls the support mailbox (Email:Imap:PollInterval).</summary>
[DisallowConcurrentExecution]
public sealed class ImapIngestJob(ImapIngest ingest, ILogger<ImapIngestJob> logger) : IJob
{
    public static readonly JobKey Key = new("imap-ingest", "email");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try
        {
            await ingest.RunAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            EmailLog.IngestFailed(logger, "IMAP", ex.GetType().Name);
        }
    }
}
