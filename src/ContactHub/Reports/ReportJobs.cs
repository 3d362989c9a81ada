using ContactHub.Hosting;
using Quartz;

namespace ContactHub.Reports;

/// <summary>A schedule's firing: the period it covers, recorded once however often the firing is seen, then run.</summary>
[DisallowConcurrentExecution]
public sealed class ReportScheduleJob(ReportScheduleStore schedules, ReportRunStore runs, ReportRunner runner, ReportScheduler scheduler,
    ILogger<ReportScheduleJob> logger) : IJob
{
    public const string ScheduleIdKey = "scheduleId";

    /// <summary>A scheduled firing's key in report_runs: one run per schedule and fire time, however often it is seen.</summary>
    public static string DedupeKey(long scheduleId, DateTimeOffset firedAt) =>
        $"schedule:{scheduleId}:{firedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The fire time a <see cref="DedupeKey"/> was made for.</summary>
    public static DateTimeOffset FiredAt(string dedupeKey) =>
        DateTimeOffset.Parse(dedupeKey[(dedupeKey.IndexOf(':', "schedule:".Length) + 1)..], System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);

    /// <summary>A firing recovered after a crash runs under a recovery trigger; the period is still that of the firing that was cut off.</summary>
    private static DateTimeOffset? OriginalFireTime(IJobExecutionContext context) =>
        context.Recovering && context.MergedJobDataMap.GetString(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime) is { } text
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var id = long.Parse(context.MergedJobDataMap.GetString(ScheduleIdKey)!, System.Globalization.CultureInfo.InvariantCulture);
        if (await schedules.GetAsync(id, ct) is not { Enabled: true, Paused: false } schedule || !LocalTimes.TryFindZone(schedule.TimeZone, out var zone))
            return;
        // A firing covers the period of its scheduled time, once (a test send goes through ReportRunJob instead).
        var firedAt = OriginalFireTime(context) ?? context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var period = ReportPeriod.ForFiring(schedule.Period, firedAt, zone);
        var (runId, created) = await runs.QueueAsync(schedule.Report, period, $"schedule:{schedule.Name ?? id.ToString()}", schedule.Recipients, id, DedupeKey(id, firedAt), ct);
        if (!created && (await runs.GetAsync(runId, ct))?.Status is RunStatus.Succeeded or RunStatus.Failed)
        {
            ReportLog.AlreadyRun(logger, id, period.Label, runId);
            return;
        }
        // Not finished: this firing was cut off (the process died) and Quartz recovers it; the run goes on where it stopped.
        await scheduler.RecordOutcomeAsync(id, runId, await runner.RunAsync(runId, ct));
    }
}

/// <summary>An on-demand run (API or CLI), queued in report_runs and carried out by whichever node picks it up.</summary>
/// A schedule's test send is one too, and counts toward the schedule's failures like a firing.
public sealed class ReportRunJob(ReportRunner runner, ReportRunStore runs, ReportScheduler scheduler) : IJob
{
    public const string RunIdKey = "runId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var runId = long.Parse(context.MergedJobDataMap.GetString(RunIdKey)!, System.Globalization.CultureInfo.InvariantCulture);
        var succeeded = await runner.RunAsync(runId, ct);
        if ((await runs.GetAsync(runId, CancellationToken.None))?.ScheduleId is { } scheduleId)
            await scheduler.RecordOutcomeAsync(scheduleId, runId, succeeded);
    }
}
