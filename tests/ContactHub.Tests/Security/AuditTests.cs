using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Security;

public sealed class AuditTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private async Task<List<JsonNode>> Trail(string query) =>
        (await app.Client("admin").GetOk($"/api/v1/audit?{query}&limit=1000")).AsArray().Select(n => n!).ToList();

    [Fact]
    public async Task Reading_exporting_merging_undoing_and_erasing_a_contact_are_each_audited_with_their_actor()
    {
        var (phoneA, phoneB) = (Customers.Phone(), Customers.Phone());
        var a = (await app.Client("write").PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone = phoneA } }, 201))["contactId"]!.GetValue<long>();
        var b = (await app.Client("write").PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone = phoneB } }, 201))["contactId"]!.GetValue<long>();
        var reader = app.Client("read");
        await reader.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phoneA)}");
        await reader.GetOk($"/api/v1/contacts/{a}");
        await reader.GetOk($"/api/v1/contacts/{a}/activities");
        var merge = await app.Client("write").PostOk($"/api/v1/contacts/{a}/merge", new { sourceContactId = b });
        await app.Client("write").PostAsync($"/api/v1/merges/{merge["mergeId"]}/undo", null);
        await app.Client("admin").GetOk($"/api/v1/contacts/{a}/export");
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client("admin").DeleteAsync($"/api/v1/contacts/{b}")).StatusCode);

        var trailA = await Trail($"contactId={a}");
        var trailB = await Trail($"contactId={b}");
        string Actor(List<JsonNode> trail, string action) => trail.First(e => e["action"]!.GetValue<string>() == action)["actor"]!.GetValue<string>();
        Assert.Equal("key:test-read", Actor(trailA, "contact.lookup"));
        Assert.Equal("key:test-read", Actor(trailA, "contact.read"));
        Assert.Equal("key:test-read", Actor(trailA, "contact.timeline"));
        Assert.Equal("key:test-write", Actor(trailA, "contact.merge"));
        Assert.Equal("key:test-admin", Actor(trailA, "contact.export"));
        Assert.Equal("key:test-admin", Actor(trailB, "contact.erase"));
        Assert.Contains(await Trail("action=merge.undo"), e => e["targetId"]!.GetValue<string>() == merge["mergeId"]!.ToString());
    }

    [Fact]
    public async Task Creating_and_revoking_an_api_key_is_audited()
    {
        var created = await app.Client("admin").PostOk("/api/v1/api-keys", new { name = "crm-audit", scopes = new[] { "read" } }, 201);
        await app.Client("admin").DeleteAsync($"/api/v1/api-keys/{created["id"]}");

        var trail = await Trail("actor=key:test-admin");
        Assert.Contains(trail, e => e["action"]!.GetValue<string>() == "apikey.create" && e["details"]!.GetValue<string>().Contains("crm-audit"));
        Assert.Contains(trail, e => e["action"]!.GetValue<string>() == "apikey.revoke" && e["targetId"]!.GetValue<string>() == created["id"]!.ToString());
        var everything = await (await app.Client("admin").GetAsync("/api/v1/audit?limit=1000")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(created["key"]!.GetValue<string>(), everything);
    }

    [Fact]
    public async Task The_trail_of_a_day_is_asked_for_by_its_date_in_a_time_zone()
    {
        var name = "day-" + Guid.NewGuid().ToString("N")[..8];
        await app.Client("admin").PostOk("/api/v1/api-keys", new { name, scopes = new[] { "read" } }, 201);
        var entry = (await Trail("action=apikey.create")).Single(e => e["details"]!.GetValue<string>().Contains(name));
        var at = entry["occurredAt"]!.GetValue<DateTimeOffset>();

        // A date alone is a whole day, "to" included, as in exports and reports: it was midnight UTC, so from=to=that day found nothing.
        var day = at.UtcDateTime.ToString("yyyy-MM-dd");
        Assert.Contains(await Trail($"action=apikey.create&from={day}&to={day}"), e => e["details"]!.GetValue<string>().Contains(name));
        var paris = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).ToString("yyyy-MM-dd");
        Assert.Contains(await Trail($"action=apikey.create&from={paris}&to={paris}&timeZone=Europe/Paris"), e => e["details"]!.GetValue<string>().Contains(name));
        var dayBefore = at.UtcDateTime.AddDays(-1).ToString("yyyy-MM-dd");
        Assert.DoesNotContain(await Trail($"action=apikey.create&from={dayBefore}&to={dayBefore}"), e => e["details"]!.GetValue<string>().Contains(name));

        var bad = await (await app.Client("admin").GetAsync("/api/v1/audit?from=monday&timeZone=Paris")).Expect(400);
        Assert.Equal(["from", "timeZone"], bad["errors"]!.AsObject().Select(e => e.Key).Order());
    }
}
