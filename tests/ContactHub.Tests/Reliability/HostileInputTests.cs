using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Tests.Channels.Twilio;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Reliability;

/// <summary>Real Kestrel, Twilio and Graph configured, no rate limits: every route must answer garbage with a 4xx.</summary>
public sealed class HostileApp() : TwilioApp(DatabaseProvider.Sqlite)
{
    protected override bool RealServer => true;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Security:RateLimits:ApiPerMinute", "0"),
        new("Security:RateLimits:WebhooksPerMinute", "0"),
        new("Graph:TenantId", "tenant"), new("Graph:ClientId", "client"), new("Graph:ClientSecret", "secret"),
        new("Graph:BaseUrl", "http://127.0.0.1:9/v1.0"), new("Graph:NotificationClientState", "state"),
    ];
}

/// <summary>
/// Seeded, reproducible hostile input: over 10,000 malformed requests across every route of the OpenAPI
/// document and every webhook — wrong types, missing and extra fields, huge strings, invalid UTF-8,
/// injection strings, bad ids, cursors and limits, bad signatures. No answer may be a 5xx, and nothing
/// may be logged as an error.
/// </summary>
[Collection(Quiet.Name)]
public sealed class HostileInputTests(HostileApp app) : IClassFixture<HostileApp>
{
    private static readonly string[] Values =
    [
        "", " ", "-1", "0", "99999999999999999999", "1e309", "NaN", "abc", "null", "true", "[]", "{}", "%00", "\u0000", "' OR 1=1 --", "'; DROP TABLE contacts; --",
        "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "../../../etc/passwd", "..%2F..%2Fetc", "%ZZ", "\uD800", "𝕌𝕟𝕚𝕔𝕠𝕕𝕖", new string('x', 5000),
        "2026-13-45T99:99:99Z", "whatsapp:", "+", "@", "a@", "chk_000000000000_" + new string('0', 64),
    ];

    /// <summary>What a header can carry at all (HTTP clients refuse the rest before sending).</summary>
    private static readonly string[] AsciiValues = Values.Where(v => v.All(c => c is >= ' ' and <= '~')).ToArray();

    private static JsonNode? Hostile(Random random, int depth = 0) => random.Next(12) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        2 => JsonValue.Create(random.NextDouble() * 1e300),
        3 => JsonValue.Create(random.Next(2) == 0),
        4 when depth < 3 => new JsonArray(Enumerable.Range(0, random.Next(3)).Select(_ => Hostile(random, depth + 1)).ToArray()),
        5 when depth < 3 => Object(random, depth),
        6 => JsonValue.Create(new string((char)random.Next(32, 0xD7FF), random.Next(1, 70_000))),
        _ => JsonValue.Create(Values[random.Next(Values.Length)]),
    };

    private static JsonObject Object(Random random, int depth)
    {
        var o = new JsonObject();
        for (var i = random.Next(4); i > 0; i--) o[Field(random)] = Hostile(random, depth + 1);
        return o;
    }

    private static readonly string[] Fields =
    [
        "channel", "direction", "customer", "phone", "email", "whatsapp", "externalId", "handle", "name", "occurredAt", "endedAt", "durationSeconds",
        "conversationId", "agent", "status", "subject", "body", "provider", "providerRef", "metadata", "items", "contactId", "title", "dueAt", "scopes",
        "sourceContactId", "kind", "value", "summary", "sendSummary", "template", "data", "purpose", "to", "attachments", "trigger", "parameters",
        "quietStart", "quietEnd", "capCount", "capDays", "paused", "completedByInteractionId", "assignedTo", "notes", "value", "clientState",
    ];

    private static string Field(Random random) => random.Next(5) == 0 ? Values[random.Next(Values.Length)] : Fields[random.Next(Fields.Length)];

    /// <summary>A body that is almost right, then broken somewhere.</summary>
    private static HttpContent Body(Random random)
    {
        switch (random.Next(10))
        {
            case 0: return new ByteArrayContent([0xFF, 0xFE, 0x7B, 0xC3, 0x28, 0x22, 0x7D]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            case 1: return new StringContent("{\"channel\":\"sms\",\"customer\":{\"phone\":", Encoding.UTF8, "application/json");
            case 2: return new StringContent(new string('[', 5000) + new string(']', 5000), Encoding.UTF8, "application/json");
            case 3: return new StringContent("channel=sms&direction=inbound", Encoding.UTF8, "application/x-www-form-urlencoded");
            case 4: return new StringContent("", Encoding.UTF8, "application/json");
            default:
                var body = new JsonObject
                {
                    ["channel"] = random.Next(3) == 0 ? Hostile(random) : "sms",
                    ["direction"] = random.Next(3) == 0 ? Hostile(random) : "inbound",
                    ["customer"] = random.Next(3) == 0 ? Hostile(random) : new JsonObject { ["phone"] = random.Next(2) == 0 ? Hostile(random) : Customers.Phone() },
                };
                for (var i = random.Next(6); i > 0; i--) body[Field(random)] = Hostile(random);
                return new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
    }

    [Fact]
    public async Task Ten_thousand_malformed_requests_over_every_route_never_get_a_5xx_nor_log_an_error()
    {
        var random = new Random(20261124);
        var document = await app.Anonymous().GetOk("/openapi/v1.json");
        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Method: new HttpMethod(o.Key.ToUpperInvariant()), Path: p.Key)))
            .Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal) || o.Path.StartsWith("/webhooks/", StringComparison.Ordinal))
            .ToList();
        foreach (var webhook in new[] { "/webhooks/twilio/messages", "/webhooks/twilio/message-status", "/webhooks/twilio/voice", "/webhooks/graph" })
            if (!operations.Any(o => o.Path == webhook)) operations.Add((HttpMethod.Post, webhook));
        Assert.True(operations.Count >= 40, $"{operations.Count} operations");

        var client = app.Client();
        var failures = new List<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        var sent = 0;
        for (var round = 0; sent < 10_000; round++)
        {
            var batch = Enumerable.Range(0, 16).Select(async _ =>
            {
                var (method, template) = operations[random.Next(operations.Count)];
                var path = System.Text.RegularExpressions.Regex.Replace(template, "{[^}]+}", _ => Uri.EscapeDataString(random.Next(3) == 0 ? Values[random.Next(Values.Length)] : random.Next(1, 50).ToString()));
                var query = random.Next(2) == 0 ? "" : "?" + string.Join("&", Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
                    $"{Uri.EscapeDataString(new[] { "limit", "before", "channel", "status", "agent", "q", "phone", "email", "due", "timeZone", "from", "to", "contactId", "validationToken" }[random.Next(14)])}={Uri.EscapeDataString(Values[random.Next(Values.Length)])}"));
                var content = method != HttpMethod.Get && method != HttpMethod.Delete
                    ? (template.StartsWith("/webhooks/twilio", StringComparison.Ordinal) ? TwilioForm(random) : Body(random)) : null;
                var bytes = content is null ? null : await content.ReadAsByteArrayAsync();
                var signature = template.StartsWith("/webhooks/twilio", StringComparison.Ordinal) && random.Next(2) == 0 ? AsciiValues[random.Next(AsciiValues.Length)] : null;
                HttpRequestMessage Build(bool expectContinue = false)
                {
                    var request = new HttpRequestMessage(method, path + query);
                    if (expectContinue) request.Headers.ExpectContinue = true;
                    if (bytes is not null) request.Content = new ByteArrayContent(bytes) { Headers = { ContentType = content!.Headers.ContentType } };
                    if (signature is not null) request.Headers.TryAddWithoutValidation("X-Twilio-Signature", signature);
                    return request;
                }
                var caller = template.StartsWith("/webhooks", StringComparison.Ordinal) ? app.Anonymous() : client;
                HttpResponseMessage response;
                try
                {
                    response = await caller.SendAsync(Build(), HttpCompletionOption.ResponseHeadersRead); // a stream's body never ends
                }
                catch (HttpRequestException)
                {
                    // A server may answer early (a 4xx before reading the whole body) and close the connection (RFC 9112 §9.6);
                    // the client then sees a reset while still sending. It asks again with "Expect: 100-continue" (RFC 9110 §10.1.1),
                    // so that the body is sent only once the server wants it and an early answer arrives whole.
                    try
                    {
                        response = await caller.SendAsync(Build(expectContinue: true), HttpCompletionOption.ResponseHeadersRead);
                    }
                    catch (HttpRequestException ex)
                    {
                        // Dropped twice: a failure, named with its route so that it can be found.
                        lock (failures) failures.Add($"{method} {path}{query[..Math.Min(query.Length, 120)]} → connection failed twice: {ex.GetBaseException().Message}");
                        return;
                    }
                }
                using var answered = response;
                statuses.Add((int)response.StatusCode);
                if ((int)response.StatusCode >= 500)
                {
                    var text = await response.Content.ReadAsStringAsync();
                    lock (failures) failures.Add($"{method} {path}{query[..Math.Min(query.Length, 120)]} → {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
                }
            }).ToList();
            await Task.WhenAll(batch);
            sent += batch.Count;
        }

        Assert.True(failures.Count == 0, $"{failures.Count} answers ≥ 500 of {sent}:\n" + string.Join("\n", failures.Distinct().Take(30)));
        Assert.True(app.Logs.Errors.IsEmpty, "errors logged:\n" + string.Join("\n", app.Logs.Errors.Take(10)));
        // The garbage reached the validators (400), the routing (404), the webhook checks (403/415) and some of it was fine.
        var seen = statuses.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(new[] { 400, 404, 403 }.All(seen.ContainsKey) && seen.Keys.Any(k => k < 300), "statuses: " + string.Join(", ", seen.OrderBy(k => k.Key).Select(k => $"{k.Key}×{k.Value}")));
    }

    private static HttpContent TwilioForm(Random random)
    {
        if (random.Next(5) == 0) return new ByteArrayContent([0xFF, 0xFE, 0x26, 0x3D, 0xC3]) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") } };
        var form = new Dictionary<string, string>();
        foreach (var name in new[] { "MessageSid", "CallSid", "From", "To", "Body", "MessageStatus", "CallStatus", "CallDuration", "Direction", "NumMedia", "ErrorCode", "OptOutType", "MediaUrl0" })
            if (random.Next(2) == 0) form[name] = Values[random.Next(Values.Length)];
        return new FormUrlEncodedContent(form);
    }
}
