using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using ContactHub.Tests.Infrastructure;
using ContactHub.Tests.Reports;

namespace ContactHub.Tests.BusinessHours;

public sealed class ServiceLevelsOnSqlite(SqliteApp app) : ServiceLevelSuite<SqliteApp>(app);

public sealed class ServiceLevelsOnPostgres(PostgresApp app) : ServiceLevelSuite<PostgresApp>(app);

/// <summary>Service levels over hand-built days in Paris, counted in business time, through the API and in the workbook.</summary>
public abstract class ServiceLevelSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Api => App.Client();

    private Task<JsonNode> Record(object body) => Api.PostOk("/api/v1/interactions", body, 201);

    [SkippableFact]
    public async Task Callbacks_and_first_responses_are_counted_in_business_time_and_the_workbook_shows_them()
    {
        string[][] nine = [["09:00", "18:00"]];
        await Api.PostOk("/api/v1/business-hours", new
        {
            name = "paris", timeZone = "Europe/Paris", isDefault = true,
            weekly = new Dictionary<string, string[][]> { ["monday"] = nine, ["tuesday"] = nine, ["wednesday"] = nine, ["thursday"] = nine, ["friday"] = nine },
        }, 201);

        // A call missed on Friday 20 November 2026 at 17:55, returned on Monday at 09:05: ten business minutes.
        var caller = Customers.Phone();
        await Record(new { channel = "call", direction = "inbound", status = "missed", occurredAt = "2026-11-20T17:55:00+01:00", customer = new { phone = caller } });
        await Record(new { channel = "call", direction = "outbound", status = "completed", durationSeconds = 120, occurredAt = "2026-11-23T09:05:00+01:00", customer = new { phone = caller } });
        // An email on Friday at 17:00 answered on Monday at 11:00: one hour on Friday and two on Monday.
        var writer = Customers.Email();
        var email = await Record(new { channel = "email", direction = "inbound", subject = "Refund", occurredAt = "2026-11-20T17:00:00+01:00", customer = new { email = writer } });
        await Record(new { channel = "email", direction = "outbound", subject = "Re: Refund", occurredAt = "2026-11-23T11:00:00+01:00", customer = new { email = writer },
            conversationId = email["conversationId"]!.GetValue<long>() });
        // A second reply later the same day: the first one is the response, and the email is still counted once.
        await Record(new { channel = "email", direction = "outbound", subject = "Re: Refund (2)", occurredAt = "2026-11-23T15:00:00+01:00", customer = new { email = writer },
            conversationId = email["conversationId"]!.GetValue<long>() });
        // A chat on Monday at 10:00 answered 45 s later, and one on Monday at 10:30 never answered.
        var chat = await Record(new { channel = "chat", direction = "inbound", occurredAt = "2026-11-23T10:00:00+01:00", customer = new { phone = Customers.Phone() } });
        await Record(new { channel = "chat", direction = "outbound", occurredAt = "2026-11-23T10:00:45+01:00", conversationId = chat["conversationId"]!.GetValue<long>() });
        await Record(new { channel = "chat", direction = "inbound", occurredAt = "2026-11-23T10:30:00+01:00", customer = new { phone = Customers.Phone() } });

        var report = await Api.GetOk("/api/v1/service-levels?from=" + Uri.EscapeDataString("2026-11-20T00:00:00+01:00") + "&to=" + Uri.EscapeDataString("2026-11-24T00:00:00+01:00"));
        Assert.Equal("paris", report["calendar"]!.GetValue<string>());
        JsonNode Level(string measure, string channel) => report["levels"]!.AsArray().Single(l => l!["measure"]!.GetValue<string>() == measure && l["channel"]!.GetValue<string>() == channel)!;
        var callback = Level("Missed-call callback", "call");
        Assert.Equal((1, 1, 600.0), (callback["count"]!.GetValue<long>(), callback["withinTarget"]!.GetValue<long>(), callback["averageSeconds"]!.GetValue<double>()));
        var firstEmail = Level("First response", "email");
        Assert.Equal((1, 1, 10_800.0), (firstEmail["count"]!.GetValue<long>(), firstEmail["withinTarget"]!.GetValue<long>(), firstEmail["averageSeconds"]!.GetValue<double>()));
        var firstChat = Level("First response", "chat");
        Assert.Equal((2, 1, 1L), (firstChat["count"]!.GetValue<long>(), firstChat["withinTarget"]!.GetValue<long>(), firstChat["unanswered"]!.GetValue<long>()));
        Assert.Equal(0.5, firstChat["share"]!.GetValue<double>());
        Assert.False(firstChat["met"]!.GetValue<bool>()); // 50% in time, 80% wanted
        Assert.True(callback["met"]!.GetValue<bool>());

        // Speed of answer: a call ringing now and answered (in-progress) right after, as Twilio reports it.
        var sid = "CA" + Guid.NewGuid().ToString("N");
        await Record(new { channel = "call", direction = "inbound", status = "ringing", customer = new { phone = Customers.Phone() }, provider = "twilio", providerRef = sid });
        var ringing = await Api.PostAsJsonAsync("/api/v1/interactions", new { channel = "call", direction = "inbound", status = "in-progress", customer = new { phone = Customers.Phone() }, provider = "twilio", providerRef = sid });
        ringing.EnsureSuccessStatusCode();
        // Calls logged once under way or over (a CRM's call log, a softphone reporting the answer) have no ring to measure from:
        // before, each was a call never answered, and a centre logging its calls after the fact had 0% in time.
        await Record(new { channel = "call", direction = "inbound", status = "completed", durationSeconds = 300, customer = new { phone = Customers.Phone() } });
        var answeredRef = "CTI-" + Guid.NewGuid().ToString("N");
        var answeredBy = Customers.Phone();
        await Record(new { channel = "call", direction = "inbound", status = "in-progress", customer = new { phone = answeredBy }, provider = "cti", providerRef = answeredRef });
        await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", status = "completed", durationSeconds = 60, customer = new { phone = answeredBy }, provider = "cti", providerRef = answeredRef });
        // One ringing still: it waits, and counts against the share until it is answered.
        await Record(new { channel = "call", direction = "inbound", status = "ringing", customer = new { phone = Customers.Phone() }, provider = "twilio", providerRef = "CA" + Guid.NewGuid().ToString("N") });
        var now = DateTimeOffset.UtcNow;
        var live = await Api.GetOk($"/api/v1/service-levels?from={Uri.EscapeDataString(now.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(now.AddHours(1).ToString("O"))}");
        var answer = live["levels"]!.AsArray().Single(l => l!["measure"]!.GetValue<string>() == "Speed of answer")!;
        Assert.Equal((2L, 1L, 1L), (answer["count"]!.GetValue<long>(), answer["withinTarget"]!.GetValue<long>(), answer["unanswered"]!.GetValue<long>()));

        var bad = await (await Api.GetAsync("/api/v1/service-levels?from=2026-11-24T00:00:00Z&to=2026-11-20T00:00:00Z")).Expect(400);
        Assert.NotNull(bad["errors"]!["to"]);

        // Dates alone are whole days in the calendar's zone, as in exports and reports: the same four days in Paris. They were
        // midnight UTC, and "to" left its day out: the Monday was missing.
        var days = await Api.GetOk("/api/v1/service-levels?from=2026-11-20&to=2026-11-23");
        Assert.Equal((DateTimeOffset.Parse("2026-11-19T23:00:00Z"), DateTimeOffset.Parse("2026-11-23T23:00:00Z")),
            (days["from"]!.GetValue<DateTimeOffset>(), days["to"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(report["levels"]!.ToJsonString(), days["levels"]!.ToJsonString());
        var utcDays = await Api.GetOk("/api/v1/service-levels?from=2026-11-20&to=2026-11-23&timeZone=UTC");
        Assert.Equal(DateTimeOffset.Parse("2026-11-20T00:00:00Z"), utcDays["from"]!.GetValue<DateTimeOffset>());
        var unreadable = await (await Api.GetAsync("/api/v1/service-levels?from=last%20week&to=2026-11-23&timeZone=Paris")).Expect(400);
        Assert.Equal(["from", "timeZone"], unreadable["errors"]!.AsObject().Select(e => e.Key).Order());

        // The activity summary's "Service levels" sheet says the same.
        var runId = (await Api.PostOk("/api/v1/reports/activity-summary/runs", new { from = "2026-11-20", to = "2026-11-23", timeZone = "Europe/Paris" }, 202))["runId"]!.GetValue<long>();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); (await Api.GetOk($"/api/v1/reports/runs/{runId}"))["status"]!.GetValue<string>() is not ("succeeded" or "failed"); await Task.Delay(100))
            Assert.True(DateTime.UtcNow < deadline, "the run did not finish");
        using var workbook = Workbooks.Open(await Api.GetByteArrayAsync($"/api/v1/reports/runs/{runId}/file"));
        var sheet = workbook.Worksheet("Service levels");
        var row = sheet.RowsUsed().Single(r => r.Cell(1).GetString() == "Missed-call callback");
        Assert.Equal(1, row.Cell(3).GetDouble());
        Assert.Equal(1, row.Cell(5).GetDouble()); // 100% in time
        Assert.Equal("yes", row.Cell(11).GetString());
        Assert.Contains(workbook.Worksheet("About").CellsUsed(), c => c.GetString().Contains("Friday 17:55", StringComparison.Ordinal));
    }
}
