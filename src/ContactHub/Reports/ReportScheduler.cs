using System.Globalization;
using Quartz;

namespace ContactHub.Reports;

/// <summary>
/// Keeps Quartz in step with report_schedules: one cron trigger per active schedule, in its time zone, in the
/// persistent (and, on server engines, clustered) store, so that each firing runs on exactly one node.
/// </summary>
public sealed class ReportScheduler(ISchedulerFactory factory, ReportScheduleStore schedules, ReportCatalogue catalogue, ILogger<ReportScheduler> logger)
{
    public const string ManualKey = "manual";
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
        if (!schedule.Enabled || schedule.Paused || catalogue.Find(schedule.Report) is null || !ReportPeriod.TryFindZone(schedule.TimeZone, out var zone))
        {
            await UnscheduleAsync(schedule.Id, ct);
            return;
        }
        var scheduler = await factory.GetScheduler(ct);
        var key = JobOf(schedule.Id);
        var triggerKey = new TriggerKey(key.Name, ScheduleGroup);
        if (await scheduler.GetTrigger(triggerKey, ct) is ICronTrigger existing && existing.CronExpressionString == schedule.Cron && existing.TimeZone.Id == zone.Id)
            return;
        var job = JobBuilder.Create<ReportScheduleJob>().WithIdentity(key).StoreDurably()
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

    /// <summary>Runs a schedule now, for the period as of now ("send me a test"), whether or not its trigger exists.</summary>
    public async Task TriggerNowAsync(long scheduleId, CancellationToken ct = default)
    {
        var scheduler = await factory.GetScheduler(ct);
        var key = new JobKey($"schedule-{scheduleId}-now-{Guid.NewGuid():N}", RunGroup);
        var job = JobBuilder.Create<ReportScheduleJob>().WithIdentity(key)
            .UsingJobData(ReportScheduleJob.ScheduleIdKey, scheduleId.ToString(CultureInfo.InvariantCulture))
            .UsingJobData(ManualKey, "true").Build();
        await scheduler.ScheduleJob(job, TriggerBuilder.Create().ForJob(key).StartNow().Build(), default, ct);
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
