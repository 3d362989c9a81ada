using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Reports;

/// <summary>Reports delivered where managers work: a SharePoint library through Graph's fake, a Teams channel's incoming webhook, and email.</summary>
public sealed class ReportDestinationsApp() : ReportApp(DatabaseProvider.Sqlite)
{
    public FakeGraph Graph { get; } = new();

    public WebhookReceiver Teams { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Graph:TenantId", FakeGraph.Tenant),
        new("Graph:ClientId", FakeGraph.ClientId),
        new("Graph:ClientSecret", FakeGraph.ClientSecret),
        new("Graph:BaseUrl", Graph.BaseUrl + "/v1.0"),
        new("Graph:TokenEndpoint", Graph.BaseUrl + "/{tenant}/oauth2/v2.0/token"),
        new("Reports:Destinations:ops-library:Type", "SharePoint"),
        new("Reports:Destinations:ops-library:DriveId", "b!drive-ops"),
        new("Reports:Destinations:ops-library:Folder", "Reports/Activity"),
        new("Reports:Destinations:ops-channel:Type", "Teams"),
        new("Reports:Destinations:ops-channel:WebhookUrl", Teams.Url),
    ];

    protected override async ValueTask DisposeExtrasAsync()
    {
        await Graph.DisposeAsync();
        await Teams.DisposeAsync();
        await base.DisposeExtrasAsync();
    }
}

public sealed class ReportDestinationTests(ReportDestinationsApp app) : IClassFixture<ReportDestinationsApp>
{
    private HttpClient Api => app.Client();

    private async Task<JsonNode> Finished(long runId)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100))
        {
            var run = await Api.GetOk($"/api/v1/reports/runs/{runId}");
            if (run["status"]!.GetValue<string>() is "succeeded" or "failed" or "skipped") return run;
            Assert.True(DateTime.UtcNow < deadline, "the run did not finish");
        }
    }

    [SkippableFact]
    public async Task A_firing_lands_once_in_sharepoint_teams_and_the_inbox_even_when_sharepoint_fails_first()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);
        var unknown = await Api.PostAsJsonAsync("/api/v1/report-schedules", new
        {
            report = "activity-summary", cron = "0 0 7 * * ?", timeZone = "Europe/Paris", recipients = new[] { "teams:nowhere" },
        });
        Assert.Contains("ops-channel", (await unknown.Expect(400))["errors"]!["recipients"]![0]!.GetValue<string>());

        var manager = $"lead-{Guid.NewGuid():N}@example.org";
        var schedule = await Api.PostOk("/api/v1/report-schedules", new
        {
            name = "where-managers-work", report = "activity-summary", cron = "0 0 7 * * ?", timeZone = "Europe/Paris", period = "previous-day",
            recipients = new[] { manager, "teams:ops-channel", "sharepoint:ops-library" },
        }, 201);
        app.Graph.FailNextUploadWith.Enqueue(503); // the first attempt cannot upload: the run is tried again
        await Api.PostOk($"/api/v1/report-schedules/{schedule["id"]}/run", new { }, 202);
        var runs = await Api.GetOk($"/api/v1/report-schedules/{schedule["id"]}/runs");
        var run = await Finished(runs.AsArray().Single()!["id"]!.GetValue<long>());
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());

        // SharePoint: one file for the report and its period, in the folder.
        var file = Assert.Single(app.Graph.Files);
        Assert.Matches(@"^b!drive-ops/Reports/Activity/activity-summary_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$", file.Key);
        using (var workbook = Workbooks.Open(file.Value.Single())) Assert.Equal("Summary", workbook.Worksheets.First().Name);
        // Teams: one card, with the figures and a link to the SharePoint copy.
        var card = Assert.Single(app.Teams.Requests).Json;
        Assert.Equal("MessageCard", card["@type"]!.GetValue<string>());
        Assert.StartsWith("Activity summary", card["title"]!.GetValue<string>());
        Assert.Contains(card["sections"]![0]!["facts"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "Missed calls");
        Assert.StartsWith("https://contoso.sharepoint.com/", card["potentialAction"]![0]!["targets"]![0]!["uri"]!.GetValue<string>());
        // Email: once.
        Assert.Single(await Maildir.WaitFor(manager, seconds: 30));

        var deliveries = (await Api.GetOk($"/api/v1/report-schedules/{schedule["id"]}/deliveries")).AsArray();
        Assert.Equal(3, deliveries.Count(d => d!["status"]?.GetValue<string>() == "sent"));
    }
}
