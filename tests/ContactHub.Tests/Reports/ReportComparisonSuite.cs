using System.Text.Json.Nodes;
using ClosedXML.Excel;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Reports;

public sealed class ReportComparisonOnSqlite(SqliteApp app) : ReportComparisonSuite<SqliteApp>(app);

public sealed class ReportComparisonOnPostgres(PostgresApp app) : ReportComparisonSuite<PostgresApp>(app);

/// <summary>The Summary sheet puts each headline figure beside the previous period's: the same figure a separate run over that period gives.</summary>
public abstract class ReportComparisonSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Api => App.Client();

    private async Task<XLWorkbook> Run(string from, string to)
    {
        var runId = (await Api.PostOk("/api/v1/reports/activity-summary/runs", new { from, to, timeZone = "Europe/Paris" }, 202))["runId"]!.GetValue<long>();
        JsonNode run;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); (run = await Api.GetOk($"/api/v1/reports/runs/{runId}"))["status"]!.GetValue<string>() is not ("succeeded" or "failed"); await Task.Delay(100))
            Assert.True(DateTime.UtcNow < deadline, "the run did not finish");
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        return Workbooks.Open(await Api.GetByteArrayAsync($"/api/v1/reports/runs/{runId}/file"));
    }

    private static Dictionary<string, IXLRow> Figures(XLWorkbook workbook) =>
        workbook.Worksheet("Summary").RowsUsed().Where(r => r.RowNumber() > 4 && r.Cell(1).GetString().Length > 0).ToDictionary(r => r.Cell(1).GetString());

    [SkippableFact]
    public async Task The_previous_period_beside_each_figure_is_what_a_run_over_that_period_says()
    {
        // Week of 2–8 November: 3 missed calls and 2 answered; week of 9–15 November: 1 missed call and 4 chats (Paris).
        foreach (var (day, status) in new[] { ("03", "missed"), ("04", "missed"), ("05", "missed"), ("05", "completed"), ("06", "completed") })
            await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", status, durationSeconds = status == "completed" ? 300 : 0,
                occurredAt = $"2026-11-{day}T10:00:00+01:00", customer = new { phone = Customers.Phone() } }, 201);
        await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", status = "missed", occurredAt = "2026-11-10T10:00:00+01:00", customer = new { phone = Customers.Phone() } }, 201);
        foreach (var day in new[] { "10", "11", "12", "13" })
            await Api.PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", occurredAt = $"2026-11-{day}T15:00:00+01:00", customer = new { phone = Customers.Phone() } }, 201);

        using var current = await Run("2026-11-09", "2026-11-15");
        using var previous = await Run("2026-11-02", "2026-11-08");

        var summary = current.Worksheet("Summary");
        Assert.Contains(summary.RowsUsed(), r => r.Cell(3).GetString() == "Previous (2026-11-02 to 2026-11-08)");
        var now = Figures(current);
        var before = Figures(previous);
        Assert.Equal(before.Keys.Order(), now.Keys.Order());
        foreach (var (figure, row) in now)
        {
            var separate = before[figure].Cell(2);
            Assert.True(row.Cell(3).Value.ToString() == separate.Value.ToString(), $"{figure}: previous {row.Cell(3).Value} but a run over that week says {separate.Value}");
        }
        var missed = now["Missed calls"];
        Assert.Equal((1.0, 3.0, -2.0), (missed.Cell(2).GetDouble(), missed.Cell(3).GetDouble(), missed.Cell(4).GetDouble()));
        Assert.Equal("▼ 66.7%", missed.Cell(5).GetString());
        Assert.Equal(XLColor.FromHtml("#067647"), missed.Cell(5).Style.Font.FontColor); // fewer missed calls: good news, in green
        Assert.False(missed.Cell(4).HasFormula); // values: they read the same in any spreadsheet application
        var interactions = now["Interactions"];
        Assert.Equal("=", interactions.Cell(5).GetString()); // 5 and 5

        // Demand by hour, in Paris time: the chats at 15:00 on Tuesday to Friday and the missed call at 10:00 on Tuesday; a colour scale over the hours.
        var demand = current.Worksheet("Demand by hour");
        var tuesday = demand.RowsUsed().Single(r => r.Cell(1).GetString() == "Tuesday");
        Assert.Equal((1.0, 1.0, 2.0), (tuesday.Cell(2 + 10).GetDouble(), tuesday.Cell(2 + 15).GetDouble(), tuesday.Cell(26).GetDouble()));
        Assert.Equal(4.0, demand.RowsUsed().Where(r => r.RowNumber() is > 1 and < 9).Sum(r => r.Cell(2 + 15).GetDouble()));
        Assert.Equal(XLConditionalFormatType.ColorScale, demand.ConditionalFormats.Single().ConditionalFormatType);
    }

    [SkippableFact]
    public async Task A_scoped_run_counts_only_the_agents_channels_and_codes_it_covers()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var (mine, other) = ($"mine-{tag}", $"other-{tag}");
        foreach (var (agent, channel) in new[] { (mine, "call"), (mine, "chat"), (other, "call") })
            await Api.PostOk("/api/v1/interactions", new { channel, direction = "inbound", occurredAt = "2026-10-07T10:00:00+02:00", agent, customer = new { phone = Customers.Phone() } }, 201);
        var catalogue = App.Get<ContactHub.Reports.ReportCatalogue>();
        var queries = App.Get<ContactHub.Reports.ReportQueries>();
        var period = new ContactHub.Reports.ReportPeriod(new DateOnly(2026, 10, 7), new DateOnly(2026, 10, 7), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));

        foreach (var name in new[] { "activity-summary", "conversations" })
        {
            var whole = await queries.CollectAsync(catalogue.Find(name)!, period, scope: new ContactHub.Reports.ReportScope("mine and other", Agents: [mine, other]));
            var scoped = await queries.CollectAsync(catalogue.Find(name)!, period, scope: new ContactHub.Reports.ReportScope("mine, calls", Agents: [mine], Channels: ["call"]));
            double Count(ContactHub.Reports.ReportData data) => Convert.ToDouble(data.Headlines[0].Value);
            Assert.Equal((3.0, 1.0), (Count(whole), Count(scoped)));
            Assert.Equal("mine, calls", scoped.Scope!.Label);
            Assert.DoesNotContain(scoped.Sheets, s => s.Sheet.Source is not null); // whole-centre computed sheets are left out
        }
    }
}
