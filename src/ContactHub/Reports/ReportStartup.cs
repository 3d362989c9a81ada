using System.Data.Common;
using ContactHub.Data;
using ContactHub.Hosting;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

/// <summary>
/// Before the service takes traffic: every report definition is run against the database, the schedules of
/// Reports:Schedules are created or updated, and Quartz is brought in line with report_schedules.
/// </summary>
public sealed class ReportStartup(ReportCatalogue catalogue, Db db, ReportScheduleStore schedules, ReportScheduler scheduler, IOptions<ReportsOptions> options) : IStartupTask
{
    public async Task PrepareAsync(CancellationToken ct = default)
    {
        await catalogue.ValidateAsync(db, ct);
        foreach (var (name, seed) in options.Value.Schedules)
        {
            if (catalogue.Find(seed.Report) is null)
                throw new ReportDefinitionException($"{ReportsOptions.Section}:Schedules:{name}:Report names no report of the catalogue (was '{seed.Report}').");
            var input = new ScheduleInput(name, seed.Report!, seed.Cron!, seed.TimeZone, seed.Period, seed.Recipients, Enabled: true);
            if (await schedules.FindByNameAsync(name, ct) is null)
            {
                try
                {
                    await schedules.CreateAsync(input, "config", "configuration", ct);
                    continue;
                }
                catch (DbException ex) when (db.Dialect.IsUniqueViolation(ex)) { } // another node seeded it first
            }
            await schedules.UpdateAsync((await schedules.FindByNameAsync(name, ct))!.Id, input, ct);
        }
        await scheduler.SyncAllAsync(ct);
    }
}
