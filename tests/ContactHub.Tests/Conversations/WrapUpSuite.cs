using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using ContactHub.Data;
using ContactHub.Events;
using ContactHub.Tests.Infrastructure;
using ContactHub.Tests.Reports;
using Dapper;

namespace ContactHub.Tests.Conversations;

/// <summary>
/// Wrap-up codes: versioned (a renamed code keeps what the past said), required on end for some channels, named by field when
/// wrong, carried by the ended event, and counted in the outcome sheet — once per conversation ended in the period.
/// </summary>
public abstract class WrapUpSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ReportApp
{
    private HttpClient Api => App.Client();

    private static string NewCode(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..6]}";

    private async Task<string> Code(string stem, string en, string fr, string? group = null)
    {
        var code = NewCode(stem);
        await Api.PostOk("/api/v1/wrap-up-codes", new { code, labels = new Dictionary<string, string> { ["en"] = en, ["fr"] = fr }, group }, 201);
        return code;
    }

    private async Task<long> Conversation(string channel) =>
        (await Api.PostOk("/api/v1/interactions", new { channel, direction = "inbound", customer = new { phone = Customers.Phone() } }, 201))["conversationId"]!.GetValue<long>();

    private Task<HttpResponseMessage> End(long id, params string[] codes) => Api.PostAsJsonAsync($"/api/v1/conversations/{id}/end", new { wrapUpCodes = codes });

    [SkippableFact]
    public async Task A_renamed_code_keeps_its_old_label_on_conversations_that_had_it_and_both_versions_are_listed()
    {
        var code = await Code("booking-changed", "Booking changed", "Réservation modifiée", "Bookings");
        var before = await Conversation("chat");
        (await End(before, code)).EnsureSuccessStatusCode();

        var renamed = await (await Api.PatchAsJsonAsync($"/api/v1/wrap-up-codes/{code}",
            new { labels = new Dictionary<string, string> { ["en"] = "Booking moved", ["fr"] = "Réservation déplacée" } })).Expect(200);
        Assert.Equal(2, renamed["version"]!.GetValue<long>());
        var after = await Conversation("chat");
        (await End(after, code)).EnsureSuccessStatusCode();

        var first = (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/conversations/{before}"))!["wrapUps"]!.AsArray().Single()!;
        var second = (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/conversations/{after}"))!["wrapUps"]!.AsArray().Single()!;
        Assert.Equal(("Booking changed", 1), (first["labels"]!["en"]!.GetValue<string>(), first["version"]!.GetValue<int>()));
        Assert.Equal(("Booking moved", 2), (second["labels"]!["en"]!.GetValue<string>(), second["version"]!.GetValue<int>()));
        var versions = (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/wrap-up-codes/{code}/versions"))!.AsArray();
        Assert.Equal(["Booking changed", "Booking moved"], versions.Select(v => v!["labels"]!["en"]!.GetValue<string>()));

        // Retired: no longer offered nor accepted; the past keeps it.
        await (await Api.PatchAsJsonAsync($"/api/v1/wrap-up-codes/{code}", new { active = false })).Expect(200);
        Assert.DoesNotContain((await Api.GetFromJsonAsync<JsonNode>("/api/v1/wrap-up-codes"))!.AsArray(), c => c!["code"]!.GetValue<string>() == code);
        Assert.Contains((await Api.GetFromJsonAsync<JsonNode>("/api/v1/wrap-up-codes?includeRetired=true"))!.AsArray(), c => c!["code"]!.GetValue<string>() == code);
        var refused = await (await End(await Conversation("chat"), code)).Expect(400);
        Assert.NotNull(refused["errors"]!["wrapUpCodes[0]"]);
        Assert.Single((await Api.GetFromJsonAsync<JsonNode>($"/api/v1/conversations/{before}"))!["wrapUps"]!.AsArray());
    }

    [SkippableFact]
    public async Task A_call_cannot_end_without_a_code_a_chat_can_and_bad_definitions_are_named_by_field()
    {
        var code = await Code("refund", "Refund", "Remboursement");
        var call = await Conversation("call");
        var problem = await (await End(call)).Expect(422);
        Assert.Contains("call", problem["errors"]!["wrapUpCodes"]![0]!.GetValue<string>());
        Assert.Equal("active", (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/conversations/{call}"))!["conversation"]!["status"]!.GetValue<string>());
        var ended = await (await End(call, code)).Expect(200);
        Assert.Equal(code, ended["wrapUps"]![0]!["code"]!.GetValue<string>());
        await (await End(await Conversation("chat"))).Expect(200);

        var unknown = await (await End(await Conversation("chat"), code, "no-such-code")).Expect(400);
        Assert.NotNull(unknown["errors"]!["wrapUpCodes[1]"]);
        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { code = "Booking Changed", labels = new Dictionary<string, string> { ["en"] = "x" } }, "code"),
                     (new { code = NewCode("x"), labels = new Dictionary<string, string> { ["fr"] = "Seulement en français" } }, "labels"),
                     (new { code = NewCode("x") }, "labels"),
                     (new { code = NewCode("x"), labels = new Dictionary<string, string> { ["en"] = "" } }, "labels.en"),
                 })
            Assert.NotNull((await (await Api.PostAsJsonAsync("/api/v1/wrap-up-codes", body)).Expect(400))["errors"]![field]);
        await (await Api.PostAsJsonAsync("/api/v1/wrap-up-codes", new { code, labels = new Dictionary<string, string> { ["en"] = "Again" } })).Expect(409);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.Client("read", "write").PostAsJsonAsync("/api/v1/wrap-up-codes",
            new { code = NewCode("x"), labels = new Dictionary<string, string> { ["en"] = "x" } })).StatusCode);
    }

    [SkippableFact]
    public async Task The_ended_event_carries_the_codes_and_a_code_given_later_is_told_too()
    {
        var (refund, complaint) = (await Code("refund", "Refund", "Remboursement"), await Code("complaint", "Complaint", "Réclamation"));
        var id = await Conversation("chat");
        (await End(id, refund)).EnsureSuccessStatusCode();
        var added = await Api.PostOk($"/api/v1/conversations/{id}/wrap-up", new { codes = new[] { refund, complaint } });
        Assert.Equal([refund, complaint], added.AsArray().Select(w => w!["code"]!.GetValue<string>()));

        await App.Get<EventSequencer>().SequenceOnceAsync();
        var events = (await Api.GetFromJsonAsync<JsonNode>("/api/v1/events?types=conversation.ended,conversation.wrapped-up&limit=1000"))!["events"]!.AsArray()
            .Where(e => e!["data"]!["conversationId"]!.GetValue<long>() == id).ToList();
        Assert.Equal([refund], events[0]!["data"]!["wrapUpCodes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal([complaint], events[1]!["data"]!["wrapUpCodes"]!.AsArray().Select(c => c!.GetValue<string>())); // refund it had already

        // The export carries the conversation's codes on each of its interactions.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var csv = (await Api.GetStringAsync($"/api/v1/exports/interactions.csv?from={today}&to={today}&timeZone=UTC")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var headers = csv[0].TrimStart('\uFEFF').Trim().Split(',');
        var row = csv.Skip(1).Select(l => Cells(l.Trim())).Single(cells => cells[Array.IndexOf(headers, "conversation_id")] == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var codes = row[Array.IndexOf(headers, "wrap_up_codes")].Split(", ");
        Assert.Equal([complaint, refund], codes.Order());
    }

    /// <summary>A CSV line's cells (RFC 4180: quoted cells may hold commas and doubled quotes).</summary>
    private static string[] Cells(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return [.. cells];
    }

    [SkippableFact]
    public async Task The_outcome_sheet_counts_each_conversation_ended_in_the_period_once_with_the_label_it_had()
    {
        var code = await Code("info", "Information given", "Information donnée");
        var ended = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var id = await Conversation("chat");
            (await End(id, code)).EnsureSuccessStatusCode();
            ended.Add(id);
        }
        var plain = await Conversation("chat");
        (await End(plain)).EnsureSuccessStatusCode();
        await Conversation("chat"); // still open: not counted
        await (await Api.PatchAsJsonAsync($"/api/v1/wrap-up-codes/{code}", new { labels = new Dictionary<string, string> { ["en"] = "Info" } })).Expect(200);

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var run = (await Api.PostOk("/api/v1/reports/conversations/runs", new { from = today, to = today, timeZone = "UTC" }, 202))["runId"]!.GetValue<long>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Api.GetFromJsonAsync<JsonNode>($"/api/v1/reports/runs/{run}"))!["status"]!.GetValue<string>() is not ("succeeded" or "failed"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not finish");
            await Task.Delay(100);
        }
        using var workbook = Workbooks.Open(await (await Api.GetAsync($"/api/v1/reports/runs/{run}/file")).Content.ReadAsByteArrayAsync());
        var sheet = workbook.Worksheet("Outcomes");
        var header = sheet.RowsUsed().First(r => r.Cell(1).GetString() == "Outcome");
        var rows = sheet.RowsUsed().Where(r => r.RowNumber() > header.RowNumber() && r.Cell(1).GetString() is { Length: > 0 } label && label != "Total").ToList();
        double Conversations(string label) => rows.Where(r => r.Cell(1).GetString() == label).Sum(r => r.Cell(4).GetDouble());
        Assert.Equal(3, Conversations("Information given")); // the label they were given, not today's "Info"
        Assert.Equal(0, Conversations("Info"));

        await using var connection = await App.Get<Db>().OpenAsync();
        var endedToday = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM conversations WHERE status = 'ended' AND ended_at >= @from",
            new { from = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero) });
        Assert.Equal(endedToday, rows.Sum(r => r.Cell(4).GetDouble()));
    }
}

/// <summary>Calls need a wrap-up code to end here; other channels do not.</summary>
public abstract class WrapUpApp(DatabaseProvider provider) : ReportApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [.. base.Settings, new("Conversations:RequireWrapUpFor:0", "call")];
}

public sealed class WrapUpSqliteApp() : WrapUpApp(DatabaseProvider.Sqlite);

public sealed class WrapUpPostgresApp() : WrapUpApp(DatabaseProvider.Postgres);

public sealed class WrapUpOnSqlite(WrapUpSqliteApp app) : WrapUpSuite<WrapUpSqliteApp>(app);

public sealed class WrapUpOnPostgres(WrapUpPostgresApp app) : WrapUpSuite<WrapUpPostgresApp>(app);
