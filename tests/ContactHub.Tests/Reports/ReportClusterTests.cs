using System.Globalization;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Reports;

/// <summary>
/// Two nodes — this test host and the built service in its own process — share one PostgreSQL database:
/// Quartz's clustered store fires each occurrence of a schedule on exactly one of them, and when one node
/// is killed the other carries on.
/// </summary>
public sealed class ReportClusterOnPostgres(ReportPostgresApp app) : EngineSuite<ReportPostgresApp>(app)
{
    [SkippableFact]
    public async Task A_ten_second_schedule_on_two_nodes_runs_four_times_in_forty_seconds_six_in_sixty_and_survives_losing_a_node()
    {
        App.Logs.MinimumLevel = LogLevel.Warning;
        var port = HostProcess.FreePort();
        await using var second = HostProcess.Start(
            $"--Urls=http://127.0.0.1:{port}", "--Database:Provider=Postgres", $"--Database:ConnectionString={App.ConnectionString}",
            $"--Security:InitialKeyFile={Path.Combine(App.OutputPath, "second-node-key.txt")}",
            "--Email:FromAddress=reports@contact-centre.example", $"--Email:Smtp:Host={Maildir.Server!.Split(':')[0]}", $"--Email:Smtp:Port={Maildir.Server.Split(':')[1]}",
            "--Email:Smtp:Security=None", $"--Reports:OutputPath={App.OutputPath}", "--Logging:LogLevel:Default=Warning");
        await HostProcess.WaitUntilServingAsync(port, second);

        var created = DateTimeOffset.UtcNow;
        var schedule = await App.Client().PostOk("/api/v1/report-schedules", new
        {
            name = "every-ten-seconds", report = "contacts", cron = "0/10 * * * * ?", timeZone = "UTC", period = "previous-day",
            recipients = new[] { $"cluster.{Guid.NewGuid():N}@contact-centre.example" },
        }, 201);
        var id = schedule["id"]!.GetValue<long>();

        // Forty seconds from the first ten-second boundary at least five seconds away.
        var soon = created.UtcDateTime.AddSeconds(5);
        var start = new DateTimeOffset(soon.Year, soon.Month, soon.Day, soon.Hour, soon.Minute, soon.Second - soon.Second % 10, TimeSpan.Zero).AddSeconds(10);
        await Task.Delay(start.AddSeconds(60 + 5) - DateTimeOffset.UtcNow);
        var firings = await Firings(id);
        Assert.Equal(4, firings.Count(f => f >= start && f < start.AddSeconds(40)));
        Assert.Equal(6, firings.Count(f => f >= start && f < start.AddSeconds(60)));
        Assert.Equal(firings.Count, firings.Distinct().Count());
        Assert.DoesNotContain(App.Logs.All, l => l.Contains("fired again", StringComparison.Ordinal));
        Assert.DoesNotContain("fired again", second.Output);
        Assert.False(second.HasExited, second.Output);

        // Kill the other node outright: the schedule keeps firing here.
        await second.DisposeAsync();
        var killedAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(25));
        var after = (await Firings(id)).Where(f => f > killedAt.AddSeconds(1)).ToList();
        Assert.InRange(after.Count, 2, 3);
        await using var connection = await App.Get<Db>().OpenAsync();
        var failed = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM report_runs WHERE schedule_id = @id AND status <> 'succeeded' AND finished_at IS NOT NULL", new { id });
        Assert.Equal(0, failed);
    }

    /// <summary>The scheduled fire time of each recorded run of the schedule.</summary>
    private async Task<List<DateTimeOffset>> Firings(long scheduleId)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        var keys = await connection.QueryAsync<string>("SELECT dedupe_key FROM report_runs WHERE schedule_id = @scheduleId AND dedupe_key IS NOT NULL", new { scheduleId });
        return keys.Select(k => ContactHub.Reports.ReportScheduleJob.FiredAt(k)).Order().ToList();
    }
}
