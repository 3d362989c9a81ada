using System.Net.Http.Json;
using ContactHub.Reports;
using ContactHub.Tests.Infrastructure;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ContactHub.Tests.Reports;

/// <summary>
/// A schedule that can never fire, or fires too often, is refused with a 400 naming cron and nothing is stored;
/// a row Quartz refuses anyway (written before this rule, or by hand) is paused at start-up and the service starts.
/// </summary>
public sealed class ReportScheduleRulesTests(ReportSqliteApp app) : IClassFixture<ReportSqliteApp>
{
    private HttpClient Api => app.Client();

    private static object Schedule(string cron, string? name = null) => new
    {
        name = name ?? "rules-" + Guid.NewGuid().ToString("N")[..6], report = "activity-summary", cron, timeZone = "Europe/Paris",
        period = "previous-day", recipients = new[] { "manager@contact-centre.example" },
    };

    [SkippableTheory]
    [InlineData("0 0 0 30 2 ?", "never fires")]
    [InlineData("0 0 0 31 4 ?", "never fires")]
    [InlineData("* * * * * ?", "fires every 1 s")]
    public async Task A_cron_that_never_fires_or_fires_every_second_is_refused_and_nothing_is_stored(string cron, string said)
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);
        var name = "refused-" + Guid.NewGuid().ToString("N")[..6];

        var response = await Api.PostAsJsonAsync("/api/v1/report-schedules", Schedule(cron, name));

        var problem = await response.Expect(400);
        Assert.Contains(said, problem["errors"]!["cron"]![0]!.GetValue<string>());
        Assert.DoesNotContain(await Api.Get<List<ReportSchedule>>("/api/v1/report-schedules"), s => s.Name == name);
    }

    [SkippableFact]
    public async Task Changing_a_schedule_to_a_cron_that_never_fires_is_refused_and_the_schedule_is_unchanged()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);
        var id = (await Api.Post<ReportSchedule>("/api/v1/report-schedules", Schedule("0 0 7 * * ?"), 201)).Id;

        var response = await Api.PutAsJsonAsync($"/api/v1/report-schedules/{id}", Schedule("0 0 0 31 4 ?"));

        Assert.Contains("never fires", (await response.Expect(400))["errors"]!["cron"]![0]!.GetValue<string>());
        Assert.Equal("0 0 7 * * ?", (await Api.Get<ReportSchedule>($"/api/v1/report-schedules/{id}")).Cron);
    }

    [Fact]
    public async Task A_stored_schedule_that_quartz_refuses_is_paused_with_the_reason_and_the_service_starts()
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-never-fires-").FullName;
        var database = Path.Combine(folder, "contacthub.db");
        var port = HostProcess.FreePort();
        string[] settings =
        [
            $"--Urls=http://127.0.0.1:{port}", $"--Database:ConnectionString=Data Source={database}", $"--Security:InitialKeyFile={folder}/key.txt",
            $"--Reports:OutputPath={folder}/reports", "--Logging:LogLevel:Default=Warning",
        ];
        try
        {
            var (code, output) = await HostProcess.RunAsync(["migrate", .. settings]);
            Assert.True(code == 0, output);
            await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
                await connection.ExecuteAsync("""
                    INSERT INTO report_schedules (name, report_name, cron, time_zone, period, recipients, enabled, source, created_by, created_at, updated_at)
                    VALUES ('thirtieth-of-february', 'activity-summary', '0 0 0 30 2 ?', 'UTC', 'previous-day', 'manager@contact-centre.example', 1, 'api', 'test',
                            '2026-11-01T00:00:00.000+00:00', '2026-11-01T00:00:00.000+00:00')
                    """);

            await using var host = HostProcess.Start(settings);
            await HostProcess.WaitUntilServingAsync(port, host);
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            api.DefaultRequestHeaders.Add("X-Api-Key", (await File.ReadAllTextAsync($"{folder}/key.txt")).Trim());

            var schedule = (await api.Get<List<ReportSchedule>>("/api/v1/report-schedules")).Single(s => s.Name == "thirtieth-of-february");
            Assert.True(schedule.Paused);
            Assert.Contains("Quartz refused", schedule.PausedReason);
            Assert.Equal(200, (int)(await api.GetAsync("/health/ready")).StatusCode);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }
}
