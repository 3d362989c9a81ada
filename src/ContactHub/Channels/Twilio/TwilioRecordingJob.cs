using ContactHub.Security;
using Microsoft.Extensions.Options;
using Quartz;
using Twilio.Exceptions;

namespace ContactHub.Channels.Twilio;

/// <summary>
/// Deletes at Twilio what ContactHub no longer keeps: an erased contact's recordings (queued by the erasure itself) and
/// recordings whose call is gone (retention) for Twilio:Recordings:OrphanDays. Failures are retried with backoff; each
/// deletion is written to the audit trail.
/// </summary>
public sealed class TwilioRecordingJob(RecordingStore store, TwilioApi twilio, IOptions<TwilioOptions> options, AuditLog audit, TimeProvider clock,
    ILogger<TwilioRecordingJob> logger) : IJob
{
    public static readonly JobKey Key = new("twilio-recordings", "privacy");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await RunAsync(ct);

    /// <summary>One pass: the deletions done now.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        if (!o.Enabled) return 0; // kept queued until Twilio is configured again
        await store.QueueOrphansAsync(clock.GetUtcNow().AddDays(-o.Recordings.OrphanDays), ct);
        var done = 0;
        foreach (var deletion in await store.ClaimDeletionsAsync(TimeSpan.FromMinutes(5), ct))
        {
            try
            {
                await twilio.DeleteRecordingAsync(deletion.RecordingSid);
                await store.CompleteDeletionAsync(deletion.Id, ct);
                audit.Write("system", "recording.deleted", "recording", deletion.RecordingSid, null, null, $"deleted at Twilio ({deletion.Reason})");
                TwilioLog.RecordingDeleted(logger, deletion.RecordingSid, deletion.Reason);
                done++;
            }
            catch (Exception e) when (e is ApiException or ApiConnectionException)
            {
                var wait = TimeSpan.FromMinutes(Math.Min(Math.Pow(2, deletion.Attempts), 360));
                var error = e is ApiException api ? $"Twilio answered {api.Status} (error {api.Code})" : "Twilio unreachable";
                await store.RetryDeletionAsync(deletion, clock.GetUtcNow() + wait, error, ct);
                TwilioLog.RecordingDeleteFailed(logger, deletion.RecordingSid, deletion.Attempts, error);
            }
        }
        return done;
    }
}
