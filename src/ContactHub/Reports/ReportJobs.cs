using Quartz;

namespace ContactHub.Reports;

/// <summary>A schedule's firing: the period it covers, recorded once however often the firing is seen, then run.</summary>
[DisallowConcurrentExecution]
public sealed class ReportScheduleJob(ReportScheduleStore schedules, ReportRunStore runs, ReportRunner runner, ReportScheduler scheduler,
    Microsoft.Extensions.Options.IOptions<ReportsOptions> options, TimeProvider clock, ILogger<ReportScheduleJob> logger) : IJob
{
    public const string ScheduleIdKey = "scheduleId";

    /// <summary>A scheduled firing's key in report_runs: one run per schedule and fire time, however often it is seen.</summary>
    public static string DedupeKey(long scheduleId, DateTimeOffset firedAt) =>
        $"schedule:{scheduleId}:{firedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The fire time a <see cref="DedupeKey"/> was made for.</summary>
    public static DateTimeOffset FiredAt(string dedupeKey) =>
        DateTimeOffset.Parse(dedupeKey[(dedupeKey.IndexOf(':', "schedule:".Length) + 1)..], System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var id = long.Parse(context.MergedJobDataMap.GetString(ScheduleIdKey)!, System.Globalization.CultureInfo.InvariantCulture);
        if (await schedules.GetAsync(id, ct) is not { Enabled: true, Paused: false } schedule || !ReportPeriod.TryFindZone(schedule.TimeZone, out var zone))
            return;
        // A test run ("run now") covers the period as of now and is not deduplicated; a firing covers the period of its scheduled time, once.
        var manual = context.MergedJobDataMap.ContainsKey(ReportScheduler.ManualKey);
        var firedAt = manual ? clock.GetUtcNow() : context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var period = ReportPeriod.ForFiring(schedule.Period, firedAt, zone);
        var dedupe = manual ? null : DedupeKey(id, firedAt);
        var (runId, created) = await runs.QueueAsync(schedule.Report, period, $"schedule:{schedule.Name ?? id.ToString()}", schedule.Recipients, id, dedupe, ct);
        if (!created)
        {
            ReportLog.AlreadyRun(logger, id, period.Label, runId);
            return;
        }
        if (await runner.RunAsync(runId, ct))
        {
            await schedules.RunSucceededAsync(id, CancellationToken.None);
            return;
        }
        var error = (await runs.GetAsync(runId, CancellationToken.None))?.Error ?? "unknown error";
        var (failures, paused) = await schedules.RunFailedAsync(id, options.Value.PauseAfterFailedRuns, error, CancellationToken.None);
        if (paused)
        {
            ReportLog.SchedulePaused(logger, id, failures);
            await scheduler.UnscheduleAsync(id, CancellationToken.None);
        }
    }
}

/// <summary>An on-demand run (API or CLI), queued in report_runs and carried out by whichever node picks it up.</summary>
public sealed class ReportRunJob(ReportRunner runner) : IJob
{
    public const string RunIdKey = "runId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        await runner.RunAsync(long.Parse(context.MergedJobDataMap.GetString(RunIdKey)!, System.Globalization.CultureInfo.InvariantCulture), ct);
}
