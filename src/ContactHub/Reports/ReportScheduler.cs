using System.Globalization;
using ContactHub.Hosting;
using Quartz;

namespace ContactHub.Reports;

/// <summary>
/// Keeps Quartz in step with report_schedules: one cron trigger per active schedule, in its time zone, in the
/// persistent (and, on server engines, clustered) store, so that each firing runs on exactly one node.
/// </summary>
public sealed class ReportScheduler(ISchedulerFactory factory, ReportScheduleStore schedules, ReportRunStore runs, ReportCatalogue catalogue,
    Microsoft.Extensions.Options.IOptions<ReportsOptions> options, ILogger<ReportScheduler> logger)
{
    private const string ScheduleGroup = "report-schedules";
    private const string RunGroup = "report-runs";

    private static JobKey JobOf(long scheduleId) => new($"schedule-{scheduleId}", ScheduleGroup);

    /// <summary>Brings Quartz in line with the table (at start-up). An unchanged trigger is left alone, so that a firing missed while down still runs once.</summary>
    public async Task SyncAllAsync(CancellationToken ct = default)
    {
        var scheduler = await factory.GetScheduler(ct);
        var all = await schedules.ListAsync(ct);
        foreach (var schedule in all)
        {
            try
            {
                await SyncAsync(schedule, ct);
            }
            catch (SchedulerException ex)
            {
                // No stored row may keep the service from starting: a schedule Quartz refuses is paused with the reason.
                var reason = $"Quartz refused the schedule at start-up: {ex.Message}";
                await schedules.PauseAsync(schedule.Id, reason, ct);
                ReportLog.ScheduleRefused(logger, schedule.Id, ex.Message);
            }
        }
        var known = all.Select(s => JobOf(s.Id)).ToHashSet();
        foreach (var orphan in (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ScheduleGroup), ct)).Where(k => !known.Contains(k)))
            await scheduler.DeleteJob(orphan, ct);
    }

    public async Task SyncAsync(ReportSchedule schedule, CancellationToken ct = default)
    {
        if (!schedule.Enabled || schedule.Paused || catalogue.Find(schedule.Report) is null || !LocalTimes.TryFindZone(schedule.TimeZone, out var zone))
        {
            await UnscheduleAsync(schedule.Id, ct);
            return;
        }
        var scheduler = await factory.GetScheduler(ct);
        var key = JobOf(schedule.Id);
        var triggerKey = new TriggerKey(key.Name, ScheduleGroup);
        if (await scheduler.GetTrigger(triggerKey, ct) is ICronTrigger existing && existing.CronExpressionString == schedule.Cron && existing.TimeZone.Id == zone.Id)
            return;
        // A firing cut off by a crash is run again when a node starts (or, in a cluster, by another node): see ReportDeliveryStore.
        var job = JobBuilder.Create<ReportScheduleJob>().WithIdentity(key).StoreDurably().RequestRecovery()
            .UsingJobData(ReportScheduleJob.ScheduleIdKey, schedule.Id.ToString(CultureInfo.InvariantCulture)).Build();
        var trigger = TriggerBuilder.Create().WithIdentity(triggerKey).ForJob(key)
            // A firing missed while every node was down runs once when one returns, not once per missed firing.
            .WithCronSchedule(schedule.Cron, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
        await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, ct);
    }

    public async Task UnscheduleAsync(long scheduleId, CancellationToken ct = default)
    {
        var scheduler = await factory.GetScheduler(ct);
        await scheduler.DeleteJob(JobOf(scheduleId), ct);
    }

    /// <summary>A schedule's run ended: a success clears its failure count; enough failures in a row pause it.</summary>
    public async Task RecordOutcomeAsync(long scheduleId, long runId, bool succeeded)
    {
        if (succeeded)
        {
            await schedules.RunSucceededAsync(scheduleId, CancellationToken.None);
            return;
        }
        var error = (await runs.GetAsync(runId, CancellationToken.None))?.Error ?? "unknown error";
        var (failures, paused) = await schedules.RunFailedAsync(scheduleId, options.Value.PauseAfterFailedRuns, error, CancellationToken.None);
        if (paused)
        {
            ReportLog.SchedulePaused(logger, scheduleId, failures);
            await UnscheduleAsync(scheduleId, CancellationToken.None);
        }
    }

    /// <summary>Hands a queued on-demand run to the scheduler: it survives a restart and runs on one node.</summary>
    public async Task QueueRunAsync(long runId, CancellationToken ct = default)
    {
        var scheduler = await factory.GetScheduler(ct);
        var key = new JobKey($"run-{runId}", RunGroup);
        var job = JobBuilder.Create<ReportRunJob>().WithIdentity(key).RequestRecovery()
            .UsingJobData(ReportRunJob.RunIdKey, runId.ToString(CultureInfo.InvariantCulture)).Build();
        await scheduler.ScheduleJob(job, TriggerBuilder.Create().ForJob(key).StartNow().Build(), default, ct);
    }
}
