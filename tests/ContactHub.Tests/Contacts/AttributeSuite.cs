using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Events;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Contacts;

/// <summary>Typed contact attributes: an administrator's schema, values checked on the way in (named by field), searched by, told, exported, erased.</summary>
public abstract class AttributeSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Api => App.Client();

    private static string Key(string stem) => $"{stem}_{Guid.NewGuid().ToString("N")[..6]}";

    private async Task Define(string key, string type, string[]? values = null, bool required = false) =>
        await App.Client("admin").PostOk("/api/v1/contact-attributes", new { key, type, values, required }, 201);

    [SkippableFact]
    public async Task Values_are_checked_against_the_schema_and_read_back_typed()
    {
        var (tier, value, news, renewal) = (Key("tier"), Key("lifetime_value"), Key("newsletter"), Key("renewal"));
        await Define(tier, "one-of", ["gold", "silver"]);
        await Define(value, "number");
        await Define(news, "boolean");
        await Define(renewal, "date", required: true);
        var contactId = (await Api.PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { phone = Customers.Phone() } }, 201))["contactId"]!.GetValue<long>();

        var set = await (await Api.PutAsJsonAsync($"/api/v1/contacts/{contactId}/attributes",
            new Dictionary<string, object> { [tier] = "gold", [value] = 1250.50, [news] = true, [renewal] = "2027-03-01" })).Expect(200);
        Assert.Equal("gold", set["attributes"]![tier]!.GetValue<string>());
        Assert.Equal(1250.5m, set["attributes"]![value]!.GetValue<decimal>());
        Assert.True(set["attributes"]![news]!.GetValue<bool>());
        Assert.Equal("2027-03-01", (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{contactId}"))!["attributes"]![renewal]!.GetValue<string>());

        var bad = await (await Api.PutAsJsonAsync($"/api/v1/contacts/{contactId}/attributes", new Dictionary<string, object?>
        {
            [tier] = "platinum", [value] = "lots", [news] = "yes", [renewal] = null, ["shoe_size"] = 42,
        })).Expect(400);
        foreach (var field in new[] { tier, value, news, renewal, "shoe_size" }) Assert.NotNull(bad["errors"]![$"attributes.{field}"]);
        Assert.Contains("gold, silver", bad["errors"]![$"attributes.{tier}"]![0]!.GetValue<string>());
        Assert.Equal("gold", (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{contactId}/attributes"))!["attributes"]![tier]!.GetValue<string>()); // nothing changed

        var phone = (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{contactId}"))!["identifiers"]![0]!["value"]!.GetValue<string>();
        var pop = await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}");
        Assert.Equal("gold", pop!["contact"]!["attributes"]![tier]!.GetValue<string>()); // the screen-pop shows them
        var found = (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts?attribute={tier}&value=gold"))!.AsArray();
        Assert.Equal([contactId], found.Select(c => c!["id"]!.GetValue<long>()));
        Assert.NotNull((await (await Api.GetAsync($"/api/v1/contacts?attribute={tier}&value=bronze")).Expect(400))["errors"]!["value"]);
    }

    [SkippableFact]
    public async Task A_number_given_as_text_takes_a_decimal_point_and_a_comma_is_refused_not_read_as_a_thousands_separator()
    {
        var score = Key("score");
        await Define(score, "number");
        var contactId = (await Api.PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { phone = Customers.Phone() } }, 201))["contactId"]!.GetValue<long>();

        // A French spreadsheet's 3,5 (a CSV import's cells arrive as text): it was stored as 35.
        var bad = await (await Api.PutAsJsonAsync($"/api/v1/contacts/{contactId}/attributes", new Dictionary<string, object> { [score] = "3,5" })).Expect(400);
        Assert.Equal("A number, e.g. 12 or 4.5: a decimal point, no thousands separator.", bad["errors"]![$"attributes.{score}"]![0]!.GetValue<string>());
        Assert.Null((await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{contactId}/attributes"))!["attributes"]![score]);

        var set = await (await Api.PutAsJsonAsync($"/api/v1/contacts/{contactId}/attributes", new Dictionary<string, object> { [score] = " -4.5 " })).Expect(200);
        Assert.Equal(-4.5m, set["attributes"]![score]!.GetValue<decimal>());
    }

    [SkippableFact]
    public async Task A_boolean_given_as_text_takes_what_spreadsheets_write_in_English_and_French()
    {
        var news = Key("news");
        await Define(news, "boolean");
        var contactId = (await Api.PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { phone = Customers.Phone() } }, 201))["contactId"]!.GetValue<long>();

        // An import's cells arrive as text: Excel writes TRUE in English and VRAI in French; both were refused.
        foreach (var (text, truth) in new[] { ("TRUE", true), ("FAUX", false), (" Vrai ", true), ("0", false), ("false", false), ("1", true) })
        {
            var set = await (await Api.PutAsJsonAsync($"/api/v1/contacts/{contactId}/attributes", new Dictionary<string, object> { [news] = text })).Expect(200);
            Assert.Equal(truth, set["attributes"]![news]!.GetValue<bool>());
        }
        var bad = await (await Api.PutAsJsonAsync($"/api/v1/contacts/{contactId}/attributes", new Dictionary<string, object> { [news] = "oui" })).Expect(400);
        Assert.StartsWith("true or false", bad["errors"]![$"attributes.{news}"]![0]!.GetValue<string>());
        Assert.True((await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{contactId}/attributes"))!["attributes"]![news]!.GetValue<bool>());
    }

    [SkippableFact]
    public async Task An_event_carrying_attributes_sets_them_and_a_bad_one_records_nothing()
    {
        var tier = Key("tier");
        await Define(tier, "one-of", ["gold", "silver"]);
        var phone = Customers.Phone();
        var refused = await (await Api.PostAsJsonAsync("/api/v1/interactions", new
        {
            channel = "call", direction = "inbound", customer = new { phone, attributes = new Dictionary<string, object> { [tier] = "bronze", ["nope"] = 1 } },
        })).Expect(400);
        Assert.NotNull(refused["errors"]![$"customer.attributes.{tier}"]);
        Assert.NotNull(refused["errors"]!["customer.attributes.nope"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}")).StatusCode);

        var recorded = await Api.PostOk("/api/v1/interactions", new
        {
            channel = "call", direction = "inbound", customer = new { phone, attributes = new Dictionary<string, object> { [tier] = "silver" } },
        }, 201);
        var contactId = recorded["contactId"]!.GetValue<long>();
        Assert.Equal("silver", (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{contactId}"))!["attributes"]![tier]!.GetValue<string>());

        await App.Get<EventSequencer>().SequenceOnceAsync();
        var updated = (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/events?contactId={contactId}&types=contact.updated"))!["events"]!.AsArray().Single()!;
        Assert.Equal("silver", updated["data"]!["attributes"]![tier]!.GetValue<string>());

        // The interactions export carries the contact's tags and attributes as columns.
        await Api.PostOk($"/api/v1/contacts/{contactId}/tags", new { tags = new[] { "exported" } });
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var csv = (await Api.GetStringAsync($"/api/v1/exports/interactions.csv?from={today}&to={today}&timeZone=UTC")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var headers = csv[0].TrimStart('\uFEFF').Trim().Split(',');
        var row = csv.Skip(1).Select(l => l.Trim().Split(',')).Single(cells => cells[Array.IndexOf(headers, "contact_id")] == contactId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("exported", row[Array.IndexOf(headers, "contact_tags")]);
        Assert.Equal($"{tier}=silver", row[Array.IndexOf(headers, "contact_attributes")]);

        var export = await App.Client("admin").GetOk($"/api/v1/contacts/{contactId}/export");
        Assert.Contains(export["attributes"]!.AsArray(), a => a!["attr_key"]!.GetValue<string>() == tier);
        (await App.Client("admin").DeleteAsync($"/api/v1/contacts/{contactId}")).EnsureSuccessStatusCode();
        await using var connection = await App.Get<Db>().OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contact_attributes WHERE contact_id = @contactId", new { contactId }));
    }

    [SkippableFact]
    public async Task Bad_definitions_are_named_by_field_and_only_an_admin_defines()
    {
        var admin = App.Client("admin");
        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { key = "Tier", type = "text" }, "key"),
                     (new { key = Key("x"), type = "colour" }, "type"),
                     (new { key = Key("x"), type = "one-of" }, "values"),
                     (new { key = Key("x"), type = "one-of", values = new[] { "a", "a" } }, "values"),
                     (new { key = Key("x"), type = "text", values = new[] { "a" } }, "values"),
                 })
            Assert.NotNull((await (await admin.PostAsJsonAsync("/api/v1/contact-attributes", body)).Expect(400))["errors"]![field]);
        var key = Key("segment");
        await Define(key, "text");
        await (await admin.PostAsJsonAsync("/api/v1/contact-attributes", new { key, type = "text" })).Expect(409);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.Client("read", "write").PostAsJsonAsync("/api/v1/contact-attributes", new { key = Key("y"), type = "text" })).StatusCode);
    }
}

public sealed class AttributesOnSqlite(SqliteApp app) : AttributeSuite<SqliteApp>(app);

public sealed class AttributesOnPostgres(PostgresApp app) : AttributeSuite<PostgresApp>(app);
