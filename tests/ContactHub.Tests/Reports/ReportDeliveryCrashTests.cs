using ContactHub.Reports;
using ContactHub.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ContactHub.Tests.Reports;

/// <summary>
/// A report emailed to three managers, with the process killed after the first got it and while the second's email is on
/// its way: when the service comes back, the run goes on and each manager receives the report exactly once.
/// </summary>
public sealed class ReportDeliveryCrashTests
{
    [SkippableFact]
    public async Task Killed_between_two_recipients_each_recipient_still_gets_the_report_once()
    {
        Skip.If(Maildir.SkipReason is not null, Maildir.SkipReason);
        var folder = Directory.CreateTempSubdirectory("contacthub-delivery-crash-").FullName;
        var database = Path.Combine(folder, "contacthub.db");
        var port = HostProcess.FreePort();
        // The first SMTP connection (the first recipient) goes through; the second is accepted and left hanging.
        await using var smtp = new TcpProxy(int.Parse(Maildir.Server!.Split(':')[1])) { HoldFrom = 2 };
        string[] settings =
        [
            $"--Urls=http://127.0.0.1:{port}", $"--Database:ConnectionString=Data Source={database}", $"--Security:InitialKeyFile={folder}/key.txt",
            "--Email:FromAddress=reports@contact-centre.example", "--Email:Smtp:Host=127.0.0.1", $"--Email:Smtp:Port={smtp.Port}",
            "--Email:Smtp:Security=None", "--Email:Smtp:Timeout=00:02:00", $"--Reports:OutputPath={folder}/reports", "--Logging:LogLevel:Default=Warning",
        ];
        var managers = Enumerable.Range(1, 3).Select(n => $"manager{n}.{Guid.NewGuid():N}@contact-centre.example").ToArray();
        try
        {
            long runId;
            await using (var first = HostProcess.Start(settings))
            {
                await HostProcess.WaitUntilServingAsync(port, first);
                using var api = await Api(port, folder);
                var schedule = await api.Post<ReportSchedule>("/api/v1/report-schedules", new
                {
                    name = "weekly", report = "contacts", cron = "0 0 7 ? * MON", timeZone = "Europe/Paris", period = "previous-week", recipients = managers,
                }, 201);
                runId = (await api.Post<ReportEndpoints.RunAccepted>($"/api/v1/report-schedules/{schedule.Id}/run", new { }, 202)).RunId;

                Assert.Single(await Maildir.WaitFor(managers[0], seconds: 60));
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (smtp.Accepted < 2)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the second recipient's email was never started: " + first.Output);
                    await Task.Delay(50);
                }
            } // SIGKILL while the second email waits on its connection

            smtp.HoldFrom = int.MaxValue;
            await using var second = HostProcess.Start(settings);
            await HostProcess.WaitUntilServingAsync(port, second);
            using var again = await Api(port, folder);
            var finished = DateTime.UtcNow.AddSeconds(60);
            while ((await again.Get<ReportEndpoints.RunView>($"/api/v1/reports/runs/{runId}")).Status != RunStatus.Succeeded)
            {
                Assert.True(DateTime.UtcNow < finished, "the run cut off by the crash was not carried on: " + second.Output);
                await Task.Delay(200);
            }

            foreach (var manager in managers)
                Assert.Single(await Maildir.WaitFor(manager, seconds: 30));
            await Task.Delay(1000); // nothing more arrives
            Assert.All(managers, m => Assert.Single(Maildir.To(m)));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

    private static async Task<HttpClient> Api(int port, string folder)
    {
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        api.DefaultRequestHeaders.Add("X-Api-Key", (await File.ReadAllTextAsync($"{folder}/key.txt")).Trim());
        return api;
    }
}
