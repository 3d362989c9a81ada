using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Security;

public abstract class PrivacySuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Api => App.Client();

    private static long Id(JsonNode node, string field) => node[field]!.GetValue<long>();

    /// <summary>What an activity report counts for the period: per channel and direction, interactions and seconds.</summary>
    private async Task<string> Totals(DateTimeOffset from, DateTimeOffset to)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        var rows = await connection.QueryAsync<(string, string, long, long)>("""
            SELECT channel, direction, COUNT(*), COALESCE(SUM(duration_seconds), 0) FROM interactions
            WHERE occurred_at >= @from AND occurred_at < @to GROUP BY channel, direction ORDER BY channel, direction
            """, new { from, to });
        return string.Join(";", rows);
    }

    [SkippableFact]
    public async Task Erasing_a_contact_removes_its_personal_data_keeps_report_totals_and_forgets_its_number()
    {
        var (phone, email, name) = (Customers.Phone(), Customers.Email(), "Zoé Secretname " + Guid.NewGuid().ToString("N")[..6]);
        var (body, subject, note) = ("My card ends 4242 " + Guid.NewGuid(), "Booking QX7" + Guid.NewGuid().ToString("N")[..6], "Lives at 12 rue Secrète " + Guid.NewGuid());
        var from = DateTimeOffset.UtcNow.AddHours(-3);
        var chat = await Api.PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", occurredAt = from.AddHours(1), customer = new { phone, email, name }, body, subject }, 201);
        await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "outbound", occurredAt = from.AddHours(1.2), durationSeconds = 321, customer = new { phone } }, 201);
        await Api.PostOk($"/api/v1/conversations/{Id(chat, "conversationId")}/notes", new { body = note, author = "lina" }, 201);
        await Api.PostOk("/api/v1/follow-ups", new { contactId = Id(chat, "contactId"), title = "Call " + name }, 201);
        var contactId = Id(chat, "contactId");
        var totalsBefore = await Totals(from, from.AddHours(2)); // the period of the two interactions above

        var erased = await App.Client("admin").DeleteAsync($"/api/v1/contacts/{contactId}");
        var export = await App.Client("admin").GetAsync($"/api/v1/contacts/{contactId}/export");
        var exportText = await export.Content.ReadAsStringAsync();
        var lookup = await Api.GetAsync($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}");
        var again = await Api.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone } }, 201);

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        foreach (var secret in new[] { phone, email, name, body, subject, note, "Secretname" })
            Assert.DoesNotContain(secret, exportText);
        Assert.Contains("\"interactions\"", exportText);
        Assert.Contains("call;outbound", totalsBefore.Replace("(", "").Replace(", ", ";"));
        Assert.Equal(totalsBefore, await Totals(from, from.AddHours(2)));
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
        Assert.True(again["contactCreated"]!.GetValue<bool>());
        Assert.NotEqual(contactId, Id(again, "contactId"));
        Assert.Equal(HttpStatusCode.NotFound, (await App.Client("admin").DeleteAsync($"/api/v1/contacts/{contactId}")).StatusCode);
    }

    [SkippableFact]
    public async Task The_export_holds_everything_about_the_contact()
    {
        var (phone, body) = (Customers.Phone(), "export me " + Guid.NewGuid());
        var chat = await Api.PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { phone, name = "Exporta" }, body }, 201);
        await Api.PostOk($"/api/v1/conversations/{Id(chat, "conversationId")}/notes", new { body = "a note" }, 201);
        await App.Client("write").PutAsJsonAsync($"/api/v1/contacts/{Id(chat, "contactId")}/consents/sms", new { status = "opted_out" });
        var code = "export-" + Guid.NewGuid().ToString("N")[..6];
        await App.Client("admin").PostOk("/api/v1/wrap-up-codes", new { code, labels = new Dictionary<string, string> { ["en"] = "Exported" } }, 201);
        await Api.PostOk($"/api/v1/conversations/{Id(chat, "conversationId")}/end", new { wrapUpCodes = new[] { code } });

        var export = await App.Client("admin").GetOk($"/api/v1/contacts/{Id(chat, "contactId")}/export");

        static IEnumerable<string?> Values(JsonNode node, string table, string column) => node[table]!.AsArray().Select(r => r![column]?.ToString());
        Assert.Contains(phone, Values(export, "identifiers", "value"));
        Assert.Contains(body, Values(export, "interactions", "body"));
        Assert.Contains("a note", Values(export, "notes", "body"));
        Assert.Contains("opted_out", Values(export, "consents", "status"));
        Assert.Contains("contact.export", Values(export, "auditEntries", "action"));
        Assert.Contains(code, Values(export, "wrapUps", "code"));
        Assert.Contains("interaction.recorded", Values(export, "events", "type")); // what the event log holds about the contact, too
    }

    public static TheoryData<string> Hostile() =>
    [
        "'; DROP TABLE contacts; --", "\" OR 1=1 --", "<script>alert('x')</script>", "<img src=x onerror=alert(1)>",
        "=HYPERLINK(\"http://evil.example\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "../../../../etc/passwd", "..\\..\\windows\\win.ini",
        "{{ contact.name }}{% raw %}", "𝕌𝕟𝕚𝕔𝕠𝕕𝕖 ✓ 中文 עברית", "\u202Eevil.exe",
    ];

    [SkippableTheory]
    [MemberData(nameof(Hostile))]
    public async Task Injection_strings_are_stored_verbatim_and_served_as_inert_json(string hostile)
    {
        var recorded = await Api.PostOk("/api/v1/interactions", new
        {
            channel = "email", direction = "inbound", customer = new { email = Customers.Email(), name = hostile }, subject = hostile, body = hostile, agent = hostile,
        }, 201);
        await Api.PostOk($"/api/v1/conversations/{Id(recorded, "conversationId")}/notes", new { body = hostile, author = hostile }, 201);

        var response = await Api.GetAsync($"/api/v1/conversations/{Id(recorded, "conversationId")}");
        var raw = await response.Content.ReadAsStringAsync();
        var detail = JsonNode.Parse(raw)!;
        var interaction = detail["interactions"]![0]!;
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(hostile, interaction["subject"]!.GetValue<string>());
        Assert.Equal(hostile, interaction["body"]!.GetValue<string>());
        Assert.Equal(hostile, interaction["agent"]!.GetValue<string>());
        Assert.Equal(hostile, detail["notes"]![0]!["body"]!.GetValue<string>());
        Assert.Equal(hostile, detail["conversation"]!["contactName"]!.GetValue<string>());
        Assert.DoesNotContain("<script>", raw);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [SkippableFact]
    public async Task A_nul_character_is_refused_naming_the_field_on_every_engine()
    {
        var problem = await (await Api.PostAsJsonAsync("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone = Customers.Phone() }, body = "a\u0000b" })).Expect(400);

        Assert.NotNull(problem["errors"]!["body"]);
    }
}

public sealed class PrivacyOnSqlite(SqliteApp app) : PrivacySuite<SqliteApp>(app);

public sealed class PrivacyOnPostgres(PostgresApp app) : PrivacySuite<PostgresApp>(app);
