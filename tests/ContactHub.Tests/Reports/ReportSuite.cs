using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Reports;

/// <summary>Reports end to end on each engine: schedules, runs, workbooks read back, figures checked against the database.</summary>
public abstract class ReportSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ReportApp
{
    private HttpClient Api => App.Client();

    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private Task<JsonNode> Record(string channel, string direction, DateTimeOffset at, string phone, string? name = null, string? status = null,
        long? duration = null, string? agent = null) =>
        Api.PostOk("/api/v1/interactions", new { channel, direction, occurredAt = at, customer = new { phone, name }, status, durationSeconds = duration, agent }, 201);

    /// <summary>Polls a run until it has finished.</summary>
    private async Task<JsonNode> Finished(long runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = await Api.GetOk($"/api/v1/reports/runs/{runId}");
            var status = run["status"]!.GetValue<string>();
            if (status is "succeeded" or "failed" or "skipped") return run;
            Assert.True(DateTime.UtcNow < deadline, $"run {runId} still {status}");
            await Task.Delay(100);
        }
    }

    private async Task<XLWorkbook> Download(long runId)
    {
        var response = await Api.GetAsync($"/api/v1/reports/runs/{runId}/file");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Workbooks.Open(await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<long> RunReport(string name, string from, string to, string zone = "Europe/Paris", string[]? email = null)
    {
        var accepted = await Api.PostOk($"/api/v1/reports/{name}/runs", new { from, to, timeZone = zone, email }, 202);
        return accepted["runId"]!.GetValue<long>();
    }

    private async Task<long> Scalar(string sql, object args)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    private static string Text(IXLCell cell) => cell.GetString();

    /// <summary>A number as Excel stores it (durations are days; ClosedXML reads a time-formatted number back as a date or a time).</summary>
    private static double Number(IXLCell cell) => cell.DataType switch
    {
        XLDataType.DateTime => cell.GetDateTime().ToOADate(),
        XLDataType.TimeSpan => cell.GetTimeSpan().TotalDays,
        _ => cell.GetDouble(),
    };

    [SkippableFact]
    public async Task A_scheduled_report_is_emailed_with_its_workbook_and_every_figure_matches_the_database()
    {
        // Yesterday in Paris, whatever the hour the test runs at.
        var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Paris).DateTime).AddDays(-1);
        DateTimeOffset At(int hour) => new DateTimeOffset(yesterday.ToDateTime(new TimeOnly(hour, 0)), Paris.GetUtcOffset(yesterday.ToDateTime(new TimeOnly(hour, 0)))).ToUniversalTime();
        var (ana, ben) = (Customers.Phone(), Customers.Phone());
        await Record("chat", "inbound", At(9), ana, "Ana Lima", agent: "maria");
        await Record("call", "inbound", At(9).AddMinutes(5), ana, status: "completed", duration: 300, agent: "maria");
        await Record("sms", "outbound", At(9).AddMinutes(20), ana, status: "sent", agent: "maria");
        await Record("call", "inbound", At(15), ben, "Ben Okafor", status: "missed");
        await Record("whatsapp", "inbound", At(16), ben);
        await Record("email", "inbound", At(12).AddDays(-1), ben); // the day before: not in the report

        var manager = $"manager.{Guid.NewGuid():N}@contact-centre.example";
        var schedule = await Api.PostOk("/api/v1/report-schedules", new
        {
            name = "daily-" + Guid.NewGuid().ToString("N")[..6], report = "activity-summary", cron = "0 0 7 * * ?", timeZone = "Europe/Paris",
            period = "previous-day", recipients = new[] { manager },
        }, 201);
        var scheduleId = schedule["id"]!.GetValue<long>();
        Assert.False(schedule["paused"]!.GetValue<bool>());
        await Api.PostOk($"/api/v1/report-schedules/{scheduleId}/run", new { }, 202);

        var email = Assert.Single(await Maildir.WaitFor(manager, seconds: 60));
        var runs = await Api.GetOk($"/api/v1/report-schedules/{scheduleId}/runs");
        var run = await Finished(runs.AsArray().Single()!["id"]!.GetValue<long>());
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal(yesterday.ToString("yyyy-MM-dd"), run["from"]!.GetValue<string>());
        Assert.Equal($"Activity summary — {yesterday:yyyy-MM-dd}", email.Subject);
        Assert.Contains("Interactions", email.HtmlBody);
        Assert.Contains("cid:chart-", email.HtmlBody);
        var attachment = Assert.Single(email.Attachments.OfType<MimeKit.MimePart>());
        Assert.NotNull(attachment.Content);
        Assert.EndsWith(".xlsx", attachment.FileName);
        Assert.Contains(email.BodyParts.OfType<MimeKit.MimePart>(), p => p.ContentType.MimeType == "image/png" && p.ContentId is not null);

        using var buffer = new MemoryStream();
        await attachment.Content.DecodeToAsync(buffer);
        using var workbook = Workbooks.Open(buffer.ToArray(), out var chart);
        Assert.NotNull(chart);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], chart.Take(4)); // the chart image sits on the Summary sheet
        Assert.Equal(["Summary", "By day", "By agent", "Outcomes", "Service levels", "Demand by hour", "Satisfaction", "Missed calls", "About"], workbook.Worksheets.Select(w => w.Name));

        // Every figure against a count made directly in the database for the same Paris day.
        var from = new DateTimeOffset(yesterday.ToDateTime(TimeOnly.MinValue), Paris.GetUtcOffset(yesterday.ToDateTime(TimeOnly.MinValue))).ToUniversalTime();
        var to = new DateTimeOffset(yesterday.AddDays(1).ToDateTime(TimeOnly.MinValue), Paris.GetUtcOffset(yesterday.AddDays(1).ToDateTime(TimeOnly.MinValue))).ToUniversalTime();
        var expected = await Scalar("SELECT COUNT(*) FROM interactions WHERE occurred_at >= @from AND occurred_at < @to", new { from, to });
        var missed = await Scalar("SELECT COUNT(*) FROM interactions WHERE occurred_at >= @from AND occurred_at < @to AND status = 'missed'", new { from, to });
        var contacts = await Scalar("SELECT COUNT(DISTINCT contact_id) FROM interactions WHERE occurred_at >= @from AND occurred_at < @to", new { from, to });
        Assert.Equal(5, expected);
        var summary = workbook.Worksheet("Summary");
        double Figure(string label) => Number(summary.RowsUsed().Single(r => Text(r.Cell(1)) == label).Cell(2));
        Assert.Equal(expected, Figure("Interactions"));
        Assert.Equal(missed, Figure("Missed calls"));
        Assert.Equal(contacts, Figure("Contacts"));
        Assert.Equal(300 / 86400d, Figure("Average call duration"), 6);

        var byDay = workbook.Worksheet("By day");
        var table = byDay.Tables.Single();
        Assert.True(byDay.SheetView.SplitRow == 1, "the header row is frozen");
        Assert.Equal(expected, table.DataRange.Rows().Sum(r => r.Cell(4).GetDouble()));
        Assert.All(table.DataRange.Rows(), r => Assert.Equal(yesterday.ToDateTime(TimeOnly.MinValue), r.Cell(1).GetDateTime()));
        var total = byDay.Cell(table.RangeAddress.LastAddress.RowNumber + 1, 4); // the totals row, under the table, as values
        Assert.False(total.HasFormula);
        Assert.Equal(expected, total.GetDouble());
        Assert.All(Enumerable.Range(1, 6), c => Assert.InRange(byDay.Column(c).Width, 8, 61));

        var missedSheet = workbook.Worksheet("Missed calls");
        Assert.Equal("Ben Okafor", Text(missedSheet.Tables.Single().DataRange.Row(1).Cell(3)));
        Assert.Equal("Europe/Paris", Text(workbook.Worksheet("About").RowsUsed().Single(r => Text(r.Cell(1)) == "Time zone").Cell(2)));
        Assert.True(File.Exists(Path.Combine(App.OutputPath, "activity-summary", run["fileName"]!.GetValue<string>())));
    }

    [SkippableFact]
    public async Task A_previous_day_report_in_paris_covers_exactly_the_25_hour_day_when_clocks_go_back()
    {
        // 25 October 2026 in Paris runs from 24 Oct 22:00 UTC to 25 Oct 23:00 UTC.
        var phone = Customers.Phone();
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-10-24T21:59:59Z"), phone); // 23:59:59 on the 24th (CEST)
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-10-24T22:00:00Z"), phone); // 00:00 on the 25th
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-10-25T00:30:00Z"), phone); // 02:30 CEST, the first one
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-10-25T01:30:00Z"), phone); // 02:30 CET, the second one
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-10-25T22:59:59Z"), phone); // 23:59:59 on the 25th (CET)
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-10-25T23:00:00Z"), phone); // 00:00 on the 26th

        var run = await Finished(await RunReport("activity-summary", "2026-10-25", "2026-10-25"));
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        using var workbook = await Download(run["id"]!.GetValue<long>());
        var rows = workbook.Worksheet("By day").Tables.Single().DataRange.Rows().ToList();
        Assert.Equal(4, rows.Sum(r => r.Cell(4).GetDouble()));
        Assert.All(rows, r => Assert.Equal(new DateTime(2026, 10, 25), r.Cell(1).GetDateTime()));
        var about = workbook.Worksheet("About");
        Assert.Equal(new DateTime(2026, 10, 25), about.RowsUsed().Single(r => Text(r.Cell(1)) == "From (local)").Cell(2).GetDateTime());
        Assert.Equal(new DateTime(2026, 10, 26), about.RowsUsed().Single(r => Text(r.Cell(1)) == "To (local, exclusive)").Cell(2).GetDateTime());

        // 29 March 2026 (23 hours): 28 Mar 23:00 UTC to 29 Mar 22:00 UTC.
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-03-28T22:59:59Z"), phone);
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-03-28T23:00:00Z"), phone);
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-03-29T21:59:59Z"), phone);
        await Record("sms", "inbound", DateTimeOffset.Parse("2026-03-29T22:00:00Z"), phone);
        var march = await Finished(await RunReport("activity-summary", "2026-03-29", "2026-03-29"));
        using var spring = await Download(march["id"]!.GetValue<long>());
        Assert.Equal(2, spring.Worksheet("By day").Tables.Single().DataRange.Rows().Sum(r => r.Cell(4).GetDouble()));
    }

    [SkippableFact]
    public async Task A_contact_named_like_a_formula_stays_text_in_the_workbook_and_in_both_exports()
    {
        const string name = "=HYPERLINK(\"http://x\",\"y\")";
        var at = DateTimeOffset.Parse("2026-06-10T10:00:00Z");
        await Record("call", "inbound", at, Customers.Phone(), name, status: "missed");

        var run = await Finished(await RunReport("activity-summary", "2026-06-10", "2026-06-10", "UTC"));
        using var workbook = await Download(run["id"]!.GetValue<long>());
        var cell = workbook.Worksheet("Missed calls").Tables.Single().DataRange.Row(1).Cell(3);
        Assert.False(cell.HasFormula);
        Assert.Equal(XLDataType.Text, cell.DataType);
        Assert.Equal(name, cell.GetString());
        Assert.True(cell.Style.IncludeQuotePrefix);

        var csv = await Api.GetStringAsync("/api/v1/exports/interactions.csv?from=2026-06-10T00:00:00Z&to=2026-06-11T00:00:00Z");
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", csv);
        var xlsx = await Api.GetByteArrayAsync("/api/v1/exports/interactions.xlsx?from=2026-06-10T00:00:00Z&to=2026-06-11T00:00:00Z");
        using var exported = Workbooks.Open(xlsx);
        var exportedCell = exported.Worksheet(1).RowsUsed().Skip(1).Single().Cell(4);
        Assert.False(exportedCell.HasFormula);
        Assert.Equal(name, exportedCell.GetString());

        // What the interaction does not have (an agent, a duration, a subject) is a blank cell, not an empty text.
        var row = RawSheet(xlsx, "Interactions").Descendants(Main + "row").Skip(1).Single();
        foreach (var column in new[] { "I", "J", "K" })
            Assert.DoesNotContain(row.Elements(Main + "c"), c => c.Attribute("r")?.Value == column + "2" && c.Element(Main + "v") is not null);
    }

    [SkippableFact]
    public async Task A_workbook_opened_outside_excel_shows_its_headers_styled_over_their_figures_and_leaves_blank_what_does_not_apply()
    {
        var at = DateTimeOffset.Parse("2026-05-19T08:00:00Z");
        await Record("call", "inbound", at, Customers.Phone(), status: "missed");
        await Record("call", "outbound", at.AddMinutes(1), Customers.Phone(), duration: 120);
        await Record("sms", "inbound", at.AddMinutes(2), Customers.Phone());

        var run = await Finished(await RunReport("activity-summary", "2026-05-19", "2026-05-19", "UTC"));
        using var workbook = await Download(run["id"]!.GetValue<long>());
        var byDay = workbook.Worksheet("By day");

        // The header row carries its own style: LibreOffice, mail previews and phones do not draw a table's theme.
        var header = byDay.Row(1);
        Assert.All(Enumerable.Range(1, 6), c => Assert.True(header.Cell(c).Style.Font.Bold, $"header {c} is bold"));
        Assert.All(Enumerable.Range(1, 6), c => Assert.Equal(XLColor.FromHtml("#4472C4"), header.Cell(c).Style.Fill.BackgroundColor));
        Assert.Equal(XLAlignmentHorizontalValues.Right, header.Cell(1).Style.Alignment.Horizontal); // Day, over dates
        Assert.Equal(XLAlignmentHorizontalValues.Right, header.Cell(6).Style.Alignment.Horizontal); // Call time, over durations
        Assert.NotEqual(XLAlignmentHorizontalValues.Right, header.Cell(2).Style.Alignment.Horizontal); // Channel, over text
        Assert.Equal(1, byDay.Cell(2, 2).Style.Alignment.Indent); // and a step away from the right-aligned day beside it
        Assert.Equal(0, byDay.Cell(2, 3).Style.Alignment.Indent); // Direction follows text: no step

        // Missed calls count inbound calls and call time calls; an SMS row shows neither as a zero.
        var rows = byDay.Tables.Single().DataRange.Rows().ToDictionary(r => $"{r.Cell(2).GetString()} {r.Cell(3).GetString()}");
        Assert.Equal(1, rows["call inbound"].Cell(5).GetDouble());
        Assert.True(rows["call outbound"].Cell(5).IsEmpty(), "missed calls does not apply to an outbound call");
        Assert.Equal(120 / 86400d, Number(rows["call outbound"].Cell(6)), 6);
        Assert.True(rows["sms inbound"].Cell(5).IsEmpty(), "missed calls does not apply to an SMS");
        Assert.True(rows["sms inbound"].Cell(6).IsEmpty(), "call time does not apply to an SMS");

        // A column narrower than its header in the definition still shows the whole header.
        var outcomes = workbook.Worksheet("Outcomes");
        Assert.Equal("Average handling time", outcomes.Cell(1, 6).GetString());
        Assert.True(outcomes.Column(6).Width >= "Average handling time".Length, $"width {outcomes.Column(6).Width}");

        // Service levels add up to nothing: no totals row that says only "Total".
        var levels = workbook.Worksheet("Service levels");
        Assert.NotEmpty(levels.Tables.Single().DataRange.Rows());
        Assert.DoesNotContain(levels.CellsUsed(), c => c.GetString() == "Total");

        // A sheet without rows (no survey answered) prints one page wide as well.
        Assert.Empty(workbook.Worksheet("Satisfaction").Tables);
        Assert.Equal(1, workbook.Worksheet("Satisfaction").PageSetup.PagesWide);

        // The summary's comparison headers sit over their figures too.
        var summary = workbook.Worksheet("Summary");
        var thisPeriod = summary.CellsUsed().Single(c => c.GetString() == "This period");
        Assert.Equal(XLAlignmentHorizontalValues.Right, thisPeriod.Style.Alignment.Horizontal);
    }

    [SkippableFact]
    public async Task A_workbook_read_without_a_spreadsheet_engine_shows_its_totals_ids_and_prints_one_page_wide()
    {
        var at = DateTimeOffset.Parse("2026-05-12T08:00:00Z");
        for (var i = 0; i < 3; i++) await Record("call", "inbound", at.AddMinutes(i), Customers.Phone(), "Caller " + i, status: "missed");

        var run = await Finished(await RunReport("activity-summary", "2026-05-12", "2026-05-12", "UTC"));
        var xlsx = await Api.GetByteArrayAsync($"/api/v1/reports/runs/{run["id"]}/file");

        // Read as a mail preview or a phone does: the stored cell values, no calculation.
        var byDay = RawSheet(xlsx, "By day");
        Assert.DoesNotContain("SUBTOTAL", byDay.ToString());
        var rows = byDay.Descendants(Main + "row").ToList();
        var totals = rows.Last().Elements(Main + "c").ToList();
        Assert.Contains(totals, c => c.Element(Main + "v")?.Value == "3" && c.Element(Main + "f") is null);
        Assert.Equal("1", byDay.Descendants(Main + "pageSetUpPr").Single().Attribute("fitToPage")?.Value);
        Assert.Equal("0", byDay.Descendants(Main + "pageSetup").Single().Attribute("fitToHeight")?.Value);

        Assert.Contains(RawPart(xlsx, "xl/workbook.xml").Descendants(Main + "definedName"),
            d => d.Attribute("name")?.Value == "_xlnm.Print_Titles" && d.Value == "'By day'!$1:$1"); // the header row on every printed page, in the form LibreOffice reads too
        using var workbook = Workbooks.Open(xlsx);
        Assert.Equal("0", workbook.Worksheet("Missed calls").Tables.Single().DataRange.Row(1).Cell(2).Style.NumberFormat.Format); // ids, not 1,002
    }

    private static readonly System.Xml.Linq.XNamespace Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private static System.Xml.Linq.XElement RawPart(byte[] xlsx, string part)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(xlsx));
        return System.Xml.Linq.XElement.Load(zip.GetEntry(part)!.Open());
    }

    /// <summary>A sheet's XML straight from the .xlsx package, found by its name in workbook.xml.</summary>
    private static System.Xml.Linq.XElement RawSheet(byte[] xlsx, string name)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(xlsx));
        System.Xml.Linq.XNamespace r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        var book = System.Xml.Linq.XElement.Load(zip.GetEntry("xl/workbook.xml")!.Open());
        var relId = book.Descendants(Main + "sheet").Single(s => s.Attribute("name")!.Value == name).Attribute(r + "id")!.Value;
        var rels = System.Xml.Linq.XElement.Load(zip.GetEntry("xl/_rels/workbook.xml.rels")!.Open());
        var target = rels.Elements().Single(e => e.Attribute("Id")!.Value == relId).Attribute("Target")!.Value.TrimStart('/');
        return System.Xml.Linq.XElement.Load(zip.GetEntry(target.StartsWith("xl/") ? target : "xl/" + target)!.Open());
    }

    [SkippableFact]
    public async Task A_conversation_lasts_until_its_calls_end()
    {
        var start = DateTimeOffset.Parse("2026-05-19T08:00:00Z");
        var longCall = Customers.Phone();
        await Record("call", "inbound", start, longCall, "One Long Call", status: "completed", duration: 3725);
        var callback = Customers.Phone();
        await Record("call", "inbound", start.AddHours(3), callback, "Missed Then Called", status: "missed");
        await Record("call", "outbound", start.AddHours(3).AddMinutes(25), callback, status: "completed", duration: 59, agent: "maria");

        var run = await Finished(await RunReport("conversations", "2026-05-19", "2026-05-19", "UTC"));
        using var workbook = await Download(run["id"]!.GetValue<long>());
        var rows = workbook.Worksheet("Conversations").Tables.Single().DataRange.Rows().ToList();
        var first = rows.Single(r => r.Cell(3).GetString() == "One Long Call");
        var second = rows.Single(r => r.Cell(3).GetString() == "Missed Then Called");

        Assert.Equal(3725 / 86400d, Number(first.Cell(7)), 6);
        Assert.Equal(first.Cell(5).GetDateTime().AddSeconds(3725), first.Cell(6).GetDateTime());
        Assert.Equal((25 * 60 + 59) / 86400d, Number(second.Cell(7)), 6);
    }

    [SkippableFact]
    public async Task Export_dates_without_a_time_are_whole_local_days_in_the_time_zone_as_in_reports()
    {
        // Paris, over the night clocks went forward (30 March 2025): 29 March starts at 23:00Z the day before, 31 March at 22:00Z.
        string[] inside = ["2025-03-28T23:30:00Z", "2025-03-30T21:30:00Z"], outside = ["2025-03-28T22:30:00Z", "2025-03-30T22:30:00Z"];
        foreach (var at in inside.Concat(outside)) await Record("sms", "inbound", DateTimeOffset.Parse(at), Customers.Phone());

        var csv = await Api.GetStringAsync("/api/v1/exports/interactions.csv?from=2025-03-29&to=2025-03-30&timeZone=Europe/Paris");

        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r.Contains("2025-03-29 00:30"));
        Assert.Contains(rows, r => r.Contains("2025-03-30 23:30"));

        // The workbook shows the same local times with their time of day, in columns wide enough to read them.
        using var xlsx = Workbooks.Open(await Api.GetByteArrayAsync("/api/v1/exports/interactions.xlsx?from=2025-03-29&to=2025-03-30&timeZone=Europe/Paris"));
        var sheet = xlsx.Worksheet(1);
        var occurred = sheet.Cell(2, 2);
        Assert.Equal(XLDataType.DateTime, occurred.DataType);
        Assert.Equal(new DateTime(2025, 3, 29, 0, 30, 0), occurred.GetDateTime());
        Assert.Contains("mm:ss", occurred.Style.NumberFormat.Format, StringComparison.OrdinalIgnoreCase);
        Assert.True(sheet.Column(2).Width >= 19, $"occurred_at is {sheet.Column(2).Width} characters wide");
        Assert.Equal("0", sheet.Cell(2, 1).Style.NumberFormat.Format);
    }

    [SkippableFact]
    public async Task Follow_ups_open_and_overdue_are_counted_as_the_period_ended_not_as_today()
    {
        var agent = "fu-" + Guid.NewGuid().ToString("N")[..8];
        var contactId = (await Record("call", "inbound", DateTimeOffset.Parse("2025-02-05T09:00:00Z"), Customers.Phone()))["contactId"]!.GetValue<long>();
        await using (var connection = await App.Get<Db>().OpenAsync())
            foreach (var (title, created, due, status, completed) in new (string, string, string, string, string?)[]
            {
                ("done since: open and overdue then", "2025-02-05T09:00:00Z", "2025-02-12T09:00:00Z", "done", "2025-02-20T09:00:00Z"),
                ("still open: open then, not due", "2025-02-11T09:00:00Z", "2025-02-25T09:00:00Z", "open", null),
                ("done in the week", "2025-02-05T09:00:00Z", "2025-02-08T09:00:00Z", "done", "2025-02-14T09:00:00Z"),
                ("created after the week", "2025-02-20T09:00:00Z", "2025-02-22T09:00:00Z", "open", null),
                ("cancelled", "2025-02-01T09:00:00Z", "2025-02-03T09:00:00Z", "cancelled", null),
            })
                await connection.ExecuteAsync(App.Get<Db>().Sql("""
                    INSERT INTO follow_ups (contact_id, title, assigned_to, due_at, status, created_at, completed_at)
                    VALUES (@contactId, @title, @agent, @due, @status, @created, @completed)
                    """), new { contactId, title, agent, due = DateTimeOffset.Parse(due), status, created = DateTimeOffset.Parse(created),
                        completed = completed is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(completed) });

        var run = await Finished(await RunReport("follow-ups", "2025-02-10", "2025-02-16"));
        using var workbook = await Download(run["id"]!.GetValue<long>());

        // Open, overdue, created, completed for the agent, as the week ended (Sunday night in Paris). Read as today, the task
        // done since was neither open nor overdue, and last week's figures (and every comparison) left such tasks out.
        var row = workbook.Worksheet("By agent").Tables.Single().DataRange.Rows().Single(r => Text(r.Cell(1)) == agent);
        Assert.Equal([2.0, 1.0, 1.0, 1.0], Enumerable.Range(2, 4).Select(c => Number(row.Cell(c))));
        var overdue = workbook.Worksheet("Overdue").Tables.Single().DataRange.Rows().Where(r => Text(r.Cell(5)) == agent).Select(r => Text(r.Cell(2)));
        Assert.Equal(["done since: open and overdue then"], overdue);
    }

    [SkippableFact]
    public async Task A_conversation_ended_after_the_period_was_still_open_at_its_end()
    {
        // Started on 12 March 2025, ended on the 20th: in the week of the 10th it was still open when the week ended. Read as
        // today it was not, so a past week (and the previous period every workbook compares with) always showed 0.
        var conversationId = (await Record("chat", "inbound", DateTimeOffset.Parse("2025-03-12T10:00:00Z"), Customers.Phone()))["conversationId"]!.GetValue<long>();
        await using (var connection = await App.Get<Db>().OpenAsync())
            await connection.ExecuteAsync(App.Get<Db>().Sql("UPDATE conversations SET status = 'ended', ended_at = @ended WHERE id = @conversationId"),
                new { conversationId, ended = DateTimeOffset.Parse("2025-03-20T10:00:00Z") });

        var run = await Finished(await RunReport("conversations", "2025-03-10", "2025-03-16"));
        using var workbook = await Download(run["id"]!.GetValue<long>());

        var summary = workbook.Worksheet("Summary");
        Assert.Equal(1, Number(summary.RowsUsed().Single(r => Text(r.Cell(1)) == "Still open").Cell(2)));
    }

    [SkippableFact]
    public async Task Duplicate_candidates_pending_are_those_undecided_when_the_period_ended()
    {
        long Contact(JsonNode recorded) => recorded["contactId"]!.GetValue<long>();
        var at = DateTimeOffset.Parse("2024-05-06T10:00:00Z");
        var a = Contact(await Record("chat", "inbound", at, Customers.Phone()));
        var b = Contact(await Record("chat", "inbound", at, Customers.Phone()));
        var c = Contact(await Record("chat", "inbound", at, Customers.Phone()));
        await using (var connection = await App.Get<Db>().OpenAsync())
            foreach (var (one, other, detected, resolved) in new (long, long, string, string?)[]
            {
                (a, b, "2024-05-07T10:00:00Z", "2024-05-20T10:00:00Z"), // decided after the week: pending when it ended
                (c, a, "2024-05-09T10:00:00Z", "2024-05-13T10:00:00Z"), // likewise
                (a, c, "2024-05-07T10:00:00Z", "2024-05-08T10:00:00Z"), // decided during it
                (b, c, "2024-05-21T10:00:00Z", null),                   // found after it
            })
                await connection.ExecuteAsync(App.Get<Db>().Sql("""
                    INSERT INTO duplicate_candidates (contact_id, other_contact_id, reason, detected_at, resolved_at) VALUES (@one, @other, 'same name', @detected, @resolved)
                    """), new { one, other, detected = DateTimeOffset.Parse(detected), resolved = resolved is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(resolved) });

        var run = await Finished(await RunReport("contacts", "2024-05-06", "2024-05-12"));
        using var workbook = await Download(run["id"]!.GetValue<long>());

        var summary = workbook.Worksheet("Summary");
        Assert.Equal(2, Number(summary.RowsUsed().Single(r => Text(r.Cell(1)) == "Duplicate candidates pending").Cell(2)));
        Assert.Equal([(double)a, c], workbook.Worksheet("Duplicates").Tables.Single().DataRange.Rows().Select(r => Number(r.Cell(1))));
    }

    [SkippableFact]
    public async Task The_csv_export_separates_fields_with_semicolons_for_Excel_in_a_French_locale()
    {
        // Excel in a French or German locale splits a CSV on semicolons: comma-separated, every row opened as one cell.
        await Record("call", "inbound", DateTimeOffset.Parse("2025-04-02T08:15:00Z"), Customers.Phone(), "Dupont; Marie, née Martin", status: "completed", duration: 95);

        var csv = await Api.GetStringAsync("/api/v1/exports/interactions.csv?from=2025-04-02T00:00:00Z&to=2025-04-03T00:00:00Z&delimiter=semicolon");

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\n', StringSplitOptions.RemoveEmptyEntries)).SelectMany(l => l).ToList();
        Assert.Equal(string.Join(';', ContactHub.Reports.InteractionExport.ColumnNames), lines[0].TrimStart('\uFEFF'));
        var row = lines.Single(l => l.Contains("Dupont"));
        // The name holds the separator, so it is quoted; its comma is only text now.
        Assert.Contains(";\"Dupont; Marie, née Martin\";", row);
        Assert.Equal(ContactHub.Reports.InteractionExport.ColumnNames.Count, row.Replace("\"Dupont; Marie, née Martin\"", "name").Split(';').Length);
        Assert.Contains(";2025-04-02 08:15:00;", row);
        Assert.Contains(";95;", row);

        var tab = await Api.GetStringAsync("/api/v1/exports/interactions.csv?from=2025-04-02T00:00:00Z&to=2025-04-03T00:00:00Z&delimiter=TAB");
        Assert.StartsWith("id\toccurred_at\t", tab.TrimStart('\uFEFF'));
        var bad = await (await Api.GetAsync("/api/v1/exports/interactions.csv?from=2025-04-02T00:00:00Z&to=2025-04-03T00:00:00Z&delimiter=pipe")).Expect(400);
        Assert.Contains("semicolon", bad["errors"]!["delimiter"]![0]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_detail_sheet_over_the_row_limit_becomes_a_link_to_the_streamed_export()
    {
        var at = DateTimeOffset.Parse("2026-04-14T09:00:00Z");
        for (var i = 0; i < 6; i++) await Record("call", "inbound", at.AddMinutes(i), Customers.Phone(), status: "missed"); // Reports:MaxDetailRows is 5 here

        var run = await Finished(await RunReport("activity-summary", "2026-04-14", "2026-04-14", "UTC"));
        using var workbook = await Download(run["id"]!.GetValue<long>());
        var note = workbook.Worksheet("Missed calls").Cell(2, 1);
        Assert.Contains("more rows than a workbook carries", note.GetString());
        Assert.Equal("https://contacthub.example/api/v1/exports/interactions.xlsx?from=2026-04-14T00%3A00%3A00Z&to=2026-04-15T00%3A00%3A00Z&timeZone=UTC",
            note.GetHyperlink().ExternalAddress.ToString());
        Assert.Empty(workbook.Worksheet("Missed calls").Tables);
        Assert.Equal(6, workbook.Worksheet("By day").Tables.Single().DataRange.Rows().Sum(r => r.Cell(5).GetDouble()));
        Assert.Contains("over the limit", workbook.Worksheet("About").RowsUsed().Single(r => r.Cell(1).GetString() == "Rows in Missed calls").Cell(2).GetString());
    }

    [SkippableFact]
    public async Task A_conditional_schedule_sends_only_when_its_condition_holds_and_says_why_not()
    {
        var bad = await (await Api.PostAsJsonAsync("/api/v1/report-schedules", new
        {
            report = "activity-summary", cron = "0 0 7 * * ?", timeZone = "Europe/Paris", recipients = new[] { "x@example.org" }, sendWhen = "missedCallz > 20",
        })).Expect(400);
        Assert.Contains("missed_calls", bad["errors"]!["sendWhen"]![0]!.GetValue<string>());

        async Task<(JsonNode Run, string Manager, long ScheduleId)> Fire(string sendWhen)
        {
            var manager = $"manager-{Guid.NewGuid():N}@example.org";
            var schedule = await Api.PostOk("/api/v1/report-schedules", new
            {
                name = "when-" + Guid.NewGuid().ToString("N")[..6], report = "activity-summary", cron = "0 0 7 * * ?", timeZone = "Europe/Paris",
                period = "previous-day", recipients = new[] { manager }, sendWhen,
            }, 201);
            Assert.Equal(sendWhen, schedule["sendWhen"]!.GetValue<string>());
            await Api.PostOk($"/api/v1/report-schedules/{schedule["id"]}/run", new { }, 202);
            var runs = await Api.GetOk($"/api/v1/report-schedules/{schedule["id"]}/runs");
            return (await Finished(runs.AsArray().Single()!["id"]!.GetValue<long>()), manager, schedule["id"]!.GetValue<long>());
        }

        var (quiet, nobody, quietSchedule) = await Fire("missedCalls > 1000000");
        Assert.Equal("skipped", quiet["status"]!.GetValue<string>());
        Assert.Contains("\"missedCalls > 1000000\" did not hold (Missed calls was", quiet["error"]!.GetValue<string>());
        var (sent, manager, sentSchedule) = await Fire("interactions >= 0");
        Assert.Equal("succeeded", sent["status"]!.GetValue<string>());
        Assert.Single(await Maildir.WaitFor(manager, seconds: 60));
        Assert.Empty(Maildir.To(nobody)); // the condition that did not hold sent nothing

        // Each schedule's delivery history: who got it when; the firing a condition held back, with why.
        var held = (await Api.GetOk($"/api/v1/report-schedules/{quietSchedule}/deliveries")).AsArray().Single()!;
        Assert.Equal(("skipped", null), (held["runStatus"]!.GetValue<string>(), held["recipient"]?.GetValue<string>()));
        Assert.Contains("did not hold", held["reason"]!.GetValue<string>());
        var delivered = (await Api.GetOk($"/api/v1/report-schedules/{sentSchedule}/deliveries")).AsArray().Single()!;
        Assert.Equal((manager, "sent"), (delivered["recipient"]!.GetValue<string>(), delivered["status"]!.GetValue<string>()));
        Assert.NotNull(delivered["sentAt"]);
    }

    [SkippableFact]
    public async Task Each_manager_receives_only_their_own_teams_report()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var (maria, joao, ana) = ($"maria-{tag}", $"joao-{tag}", $"ana-{tag}");
        var (paris, lisbon) = ($"lead.paris.{tag}@example.org", $"lead.lisbon.{tag}@example.org");
        (await Api.PutAsJsonAsync($"/api/v1/teams/paris-{tag}", new { agents = new[] { maria, joao }, managers = new[] { paris } })).EnsureSuccessStatusCode();
        (await Api.PutAsJsonAsync($"/api/v1/teams/lisbon-{tag}", new { agents = new[] { ana }, managers = new[] { lisbon } })).EnsureSuccessStatusCode();
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        // The Tuesday of last week (the other tests count yesterday's activity: this one stays out of their day).
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var tuesday = today.AddDays(-((int)today.DayOfWeek + 6) % 7 - 7 + 1);
        DateTimeOffset At(int hour) => new DateTimeOffset(tuesday.ToDateTime(new TimeOnly(hour, 0)), zone.GetUtcOffset(tuesday.ToDateTime(new TimeOnly(hour, 0)))).ToUniversalTime();
        foreach (var (agent, count) in new[] { (maria, 2), (joao, 1), (ana, 4) })
            for (var n = 0; n < count; n++)
                await Record("chat", "inbound", At(10 + n), Customers.Phone(), agent: agent);

        var refused = await (await Api.PostAsJsonAsync("/api/v1/report-schedules", new
        {
            report = "activity-summary", cron = "0 0 7 * * ?", timeZone = "Europe/Paris", recipients = new[] { paris, "nobody@example.org" }, perRecipientTeam = true,
        })).Expect(400);
        Assert.Contains("nobody@example.org", refused["errors"]!["recipients"]![0]!.GetValue<string>());
        var unscopable = await (await Api.PostAsJsonAsync("/api/v1/report-schedules", new
        {
            report = "contacts", cron = "0 0 7 * * ?", timeZone = "Europe/Paris", recipients = new[] { paris }, scope = new { team = $"paris-{tag}" },
        })).Expect(400);
        Assert.NotNull(unscopable["errors"]!["scope"]);

        var schedule = await Api.PostOk("/api/v1/report-schedules", new
        {
            name = "teams-" + tag, report = "activity-summary", cron = "0 0 7 * * ?", timeZone = "Europe/Paris", period = "previous-week",
            recipients = new[] { paris, lisbon }, perRecipientTeam = true,
        }, 201);
        Assert.True(schedule["perRecipientTeam"]!.GetValue<bool>());
        await Api.PostOk($"/api/v1/report-schedules/{schedule["id"]}/run", new { }, 202);

        foreach (var (manager, team, agents, total) in new[] { (paris, $"paris-{tag}", new[] { maria, joao }, 3), (lisbon, $"lisbon-{tag}", new[] { ana }, 4) })
        {
            var email = Assert.Single(await Maildir.WaitFor(manager, seconds: 60));
            Assert.Contains($"team {team}", email.Subject);
            var part = email.Attachments.OfType<MimeKit.MimePart>().Single(a => a.FileName?.EndsWith(".xlsx", StringComparison.Ordinal) == true);
            using var stream = new MemoryStream();
            await part.Content!.DecodeToAsync(stream);
            using var workbook = Workbooks.Open(stream.ToArray());
            var byAgent = workbook.Worksheet("By agent").RowsUsed().Skip(1).Select(r => r.Cell(1).GetString()).Where(a => a is not ("" or "Total")).ToList();
            Assert.Equal(agents.Order(), byAgent.Order()); // their team's agents, nobody else's
            var interactions = workbook.Worksheet("Summary").RowsUsed().Single(r => r.Cell(1).GetString() == "Interactions").Cell(2).GetDouble();
            Assert.Equal(total, interactions);
            Assert.Contains(team, workbook.Worksheet("Summary").Cell(2, 1).GetString());
            Assert.DoesNotContain(workbook.Worksheets, w => w.Name is "Service levels" or "Demand by hour"); // computed for the whole centre: left out
        }
    }

    [SkippableFact]
    public async Task An_empty_period_gives_a_valid_workbook_that_says_so()
    {
        foreach (var report in new[] { "activity-summary", "conversations", "follow-ups", "contacts" })
        {
            var run = await Finished(await RunReport(report, "2001-02-03", "2001-02-03"));
            Assert.Equal("succeeded", run["status"]!.GetValue<string>());
            using var workbook = await Download(run["id"]!.GetValue<long>());
            Assert.Equal("Summary", workbook.Worksheets.First().Name);
            Assert.Equal("About", workbook.Worksheets.Last().Name);
            if (report != "contacts" && report != "follow-ups")
                Assert.Contains(workbook.Worksheet("Summary").CellsUsed(), c => c.GetString() == "No activity in this period.");
        }
    }

    [SkippableFact]
    public async Task The_conversations_report_lists_channels_in_order_with_duration_and_first_response()
    {
        var phone = Customers.Phone();
        var start = DateTimeOffset.Parse("2026-05-04T08:00:00Z");
        await Record("chat", "inbound", start, phone, "Chloé Martin");
        await Record("call", "outbound", start.AddMinutes(3), phone, status: "completed", duration: 120, agent: "maria");
        await Record("sms", "outbound", start.AddMinutes(10), phone, status: "sent", agent: "maria");

        var run = await Finished(await RunReport("conversations", "2026-05-04", "2026-05-04", "UTC"));
        using var workbook = await Download(run["id"]!.GetValue<long>());
        var row = workbook.Worksheet("Conversations").Tables.Single().DataRange.Row(1);
        Assert.Equal("Chloé Martin", row.Cell(3).GetString());
        Assert.Equal("chat,call,sms", row.Cell(4).GetString());
        Assert.Equal(180 / 86400d, Number(row.Cell(10)), 6); // first response: the call back, 3 minutes in
        Assert.Equal(3, row.Cell(8).GetDouble());
        // May is history now: the conversation was recorded ended at its last activity (the SMS, 10 minutes in).
        Assert.Equal(600 / 86400d, Number(row.Cell(7)), 6);
        Assert.Equal("ended", row.Cell(11).GetString());
        var summary = workbook.Worksheet("Summary");
        Assert.Equal(1, Number(summary.RowsUsed().Single(r => Text(r.Cell(1)) == "Over several channels").Cell(2)));
        Assert.Equal(180 / 86400d, Number(summary.RowsUsed().Single(r => Text(r.Cell(1)) == "Average first response").Cell(2)), 6);
    }

    [SkippableFact]
    public async Task A_run_for_a_named_period_covers_the_days_a_schedule_firing_now_would()
    {
        // The catalogue lists the periods a schedule uses; a manager asks for one by name rather than work out its days.
        var accepted = await Api.PostOk("/api/v1/reports/contacts/runs", new { period = "previous-week", timeZone = "America/New_York" }, 202);
        var run = await Api.GetOk($"/api/v1/reports/runs/{accepted["runId"]!.GetValue<long>()}");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var expected = ContactHub.Reports.ReportPeriod.ForFiring("previous-week", App.Get<TimeProvider>().GetUtcNow(), zone);
        Assert.Equal(expected.FirstDay.ToString("yyyy-MM-dd"), run["from"]!.GetValue<string>());
        Assert.Equal(expected.LastDay.ToString("yyyy-MM-dd"), run["to"]!.GetValue<string>());
        Assert.Equal(DayOfWeek.Monday, expected.FirstDay.DayOfWeek);

        var bad = await (await Api.PostAsJsonAsync("/api/v1/reports/contacts/runs", new { period = "last-fortnight" })).Expect(400);
        Assert.Contains("previous-week", bad["errors"]!["period"]![0]!.GetValue<string>());
        var both = await (await Api.PostAsJsonAsync("/api/v1/reports/contacts/runs", new { period = "previous-day", from = "2026-01-01", to = "2026-01-02" })).Expect(400);
        Assert.NotNull(both["errors"]!["period"]);
        var misspelt = await (await Api.PostAsJsonAsync("/api/v1/reports/contacts/runs", new { period = "previous-day", emial = new[] { "lead@example.com" } })).Expect(400);
        Assert.StartsWith("Not a field of this request", misspelt["errors"]!["emial"]![0]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Bad_report_requests_get_problem_details_naming_the_field()
    {
        var response = await Api.PostAsJsonAsync("/api/v1/reports/no-such-report/runs", new { from = "2026-01-01", to = "2026-01-02" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var bad = await (await Api.PostAsJsonAsync("/api/v1/reports/activity-summary/runs", new { from = "2026-01-05", to = "2026-01-02", timeZone = "Mars/Olympus" })).Expect(400);
        Assert.NotNull(bad["errors"]!["to"]);
        Assert.NotNull(bad["errors"]!["timeZone"]);
        var schedule = await (await Api.PostAsJsonAsync("/api/v1/report-schedules", new
        {
            report = "nope", cron = "every morning", timeZone = "Paris", period = "yesterday", recipients = new[] { "not-an-address" },
        })).Expect(400);
        foreach (var field in new[] { "report", "cron", "timeZone", "period", "recipients" })
            Assert.NotNull(schedule["errors"]![field]);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync("/api/v1/reports/runs/987654321")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync("/api/v1/report-schedules/987654321")).StatusCode);
        var export = await (await Api.GetAsync("/api/v1/exports/interactions.csv?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z&channel=fax")).Expect(400);
        Assert.NotNull(export["errors"]!["to"]);
        Assert.NotNull(export["errors"]!["channel"]);

        // A zone that does not exist beside a date or a named period: it was a 500 (the date was read in a null zone).
        foreach (var url in new[] { "/api/v1/exports/interactions.csv?from=2026-01-01&timeZone=Paris", "/api/v1/exports/interactions.xlsx?to=2026-01-31&timeZone=Paris" })
            Assert.Equal(["timeZone"], (await (await Api.GetAsync(url)).Expect(400))["errors"]!.AsObject().Select(e => e.Key));
        var named = await (await Api.PostAsJsonAsync("/api/v1/reports/activity-summary/runs", new { period = "previous-week", timeZone = "Paris" })).Expect(400);
        Assert.Equal(["timeZone"], named["errors"]!.AsObject().Select(e => e.Key));
    }

    [SkippableFact]
    public async Task Schedules_are_listed_updated_and_deleted_and_their_runs_survive_them()
    {
        var created = await Api.PostOk("/api/v1/report-schedules", new
        {
            name = "weekly-" + Guid.NewGuid().ToString("N")[..6], report = "conversations", cron = "0 30 8 ? * MON", timeZone = "America/New_York",
            period = "previous-week", recipients = new[] { "lead@contact-centre.example" },
        }, 201);
        var id = created["id"]!.GetValue<long>();
        var updated = await (await Api.PutAsJsonAsync($"/api/v1/report-schedules/{id}", new
        {
            name = created["name"]!.GetValue<string>(), report = "follow-ups", cron = "0 0 9 1 * ?", timeZone = "Europe/Paris",
            period = "previous-month", recipients = new[] { "lead@contact-centre.example", "ops@contact-centre.example" },
        })).Expect(200);
        Assert.Equal("follow-ups", updated["report"]!.GetValue<string>());
        Assert.Equal(2, updated["recipients"]!.AsArray().Count);
        Assert.Contains((await Api.GetOk("/api/v1/report-schedules")).AsArray(), s => s!["id"]!.GetValue<long>() == id);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteAsync($"/api/v1/report-schedules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/api/v1/report-schedules/{id}")).StatusCode);
        var catalogue = await Api.GetOk("/api/v1/reports");
        Assert.Equal(["activity-summary", "contacts", "conversations", "follow-ups"], catalogue.AsArray().Select(r => r!["name"]!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task Demand_by_hour_counts_each_interaction_in_its_local_hour_where_the_zone_is_half_or_three_quarters_of_an_hour_off_UTC()
    {
        // Tuesday 13 June 2017, UTC 10:14, 10:16, 10:29 and 10:31: in Kathmandu (+05:45) 15:59, 16:01, 16:14, 16:16; in Kolkata (+05:30) 15:44, 15:46, 15:59, 16:01.
        foreach (var at in new[] { "10:14", "10:16", "10:29", "10:31" })
            await Record("chat", "inbound", DateTimeOffset.Parse($"2017-06-13T{at}:00Z", System.Globalization.CultureInfo.InvariantCulture), Customers.Phone());
        await Record("chat", "outbound", DateTimeOffset.Parse("2017-06-13T10:20:00Z", System.Globalization.CultureInfo.InvariantCulture), Customers.Phone()); // not demand

        var demand = App.Get<IEnumerable<ContactHub.Reports.IReportSource>>().Single(s => s.Name == ContactHub.Reports.DemandByHour.Name);
        async Task<(long, long, long)> Tuesday(string zone)
        {
            var rows = await demand.RowsAsync(new ContactHub.Reports.ReportPeriod(new DateOnly(2017, 6, 13), new DateOnly(2017, 6, 13), TimeZoneInfo.FindSystemTimeZoneById(zone)), default);
            var tuesday = rows.Single(r => (string)r["day"]! == "Tuesday");
            return ((long)tuesday["h15"]!, (long)tuesday["h16"]!, (long)tuesday["total"]!);
        }
        Assert.Equal((1, 3, 4), await Tuesday("Asia/Kathmandu"));
        Assert.Equal((3, 1, 4), await Tuesday("Asia/Kolkata"));
    }
}

public sealed class ReportsOnSqlite(ReportSqliteApp app) : ReportSuite<ReportSqliteApp>(app);

public sealed class ReportsOnPostgres(ReportPostgresApp app) : ReportSuite<ReportPostgresApp>(app);

public sealed class ReportsOnSqlServer(ReportSqlServerApp app) : ReportSuite<ReportSqlServerApp>(app);
