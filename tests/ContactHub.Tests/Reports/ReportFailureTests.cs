using ContactHub.Reports;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Reports;

/// <summary>With the SMTP server unreachable, each run is retried, then fails; three failed runs in a row pause the schedule.</summary>
public sealed class ReportFailureTests(ReportSmtpDownApp app) : IClassFixture<ReportSmtpDownApp>
{
    private HttpClient Api => app.Client();

    [Fact]
    public async Task Smtp_down_each_run_is_retried_and_three_failed_runs_pause_the_schedule()
    {
        var schedule = await Api.Post<ReportSchedule>("/api/v1/report-schedules", new
        {
            name = "doomed", report = "activity-summary", cron = "0 0 7 * * ?", timeZone = "Europe/Paris", period = "previous-day",
            recipients = new[] { "manager@contact-centre.example" },
        }, 201);
        var id = schedule.Id;

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await Api.PostOk($"/api/v1/report-schedules/{id}/run", new { }, 202);
            await WaitFor(async () => (await FailedRuns(id)).Count == attempt, $"failed run {attempt}");
        }

        var runs = await FailedRuns(id);
        Assert.All(runs, r => Assert.Equal(2, r.Attempts)); // Reports:MaxAttempts
        Assert.All(runs, r => Assert.Contains("email could not be sent", r.Error));
        var paused = await Api.Get<ReportSchedule>($"/api/v1/report-schedules/{id}");
        Assert.True(paused.Paused);
        Assert.Equal(3, paused.ConsecutiveFailures);
        Assert.Contains("Paused after 3 failed runs in a row", paused.PausedReason);

        // A paused schedule does not run, even when asked (409 says to resume it first); resuming clears the count.
        var refused = await Api.Post<Microsoft.AspNetCore.Mvc.ProblemDetails>($"/api/v1/report-schedules/{id}/run", new { }, 409);
        Assert.Contains("resume", refused.Detail);
        Assert.Equal(3, (await Api.Get<List<ReportEndpoints.RunView>>($"/api/v1/report-schedules/{id}/runs")).Count);
        var resumed = await Api.Post<ReportSchedule>($"/api/v1/report-schedules/{id}/resume", new { });
        Assert.False(resumed.Paused);
        Assert.Equal(0, resumed.ConsecutiveFailures);
    }

    private async Task<List<ReportEndpoints.RunView>> FailedRuns(long scheduleId) =>
        (await Api.Get<List<ReportEndpoints.RunView>>($"/api/v1/report-schedules/{scheduleId}/runs")).Where(r => r.Status == RunStatus.Failed).ToList();

    private static async Task WaitFor(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
