using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using static ContactHub.Tests.Infrastructure.Eventually;

namespace ContactHub.Tests.Events;

/// <summary>
/// Webhook subscriptions end to end, against a subscriber on a real local port: signed as Standard Webhooks says (checked
/// by the spec's own algorithm written here, not by the package the service uses), delivered once each in per-contact order
/// after the subscriber was down, by two nodes at once, filtered as asked, listed and redelivered.
/// </summary>
public abstract class WebhookSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Admin => App.Client("read", "write", "admin");

    private async Task<(long Id, string Secret)> Subscribe(WebhookReceiver receiver, object? extra = null, params string[] events)
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra ?? new { }))!.AsObject();
        body["url"] = receiver.Url;
        body["events"] = new JsonArray(events.Select(e => (JsonNode)e!).ToArray());
        var created = await Admin.PostOk("/api/v1/event-subscriptions", body, 201);
        return (created["subscription"]!["id"]!.GetValue<long>(), created["secret"]!.GetValue<string>());
    }

    private async Task<long> Record(string phone, string channel = "sms", HttpClient? via = null) =>
        (await (via ?? Admin).PostOk("/api/v1/interactions", new { channel, direction = "inbound", customer = new { phone } }, 201))["interactionId"]!.GetValue<long>();

    /// <summary>The Standard Webhooks signature, computed from the spec: HMAC-SHA256 of "id.timestamp.body" keyed by the base64 after "whsec_".</summary>
    internal static bool SignatureHolds(string secret, WebhookReceiver.Received r)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{r.Id}.{r.Timestamp}.{r.Body}")));
        return r.Signature!.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }

    /// <summary>Runs the README's Node verification function on a delivery as received, then on it with one character of the body changed.</summary>
    private static async Task<string> ReadmeNodeVerify(string secret, WebhookReceiver.Received r)
    {
        var node = new[] { "/usr/bin/node", "/usr/bin/nodejs", "/usr/local/bin/node" }.FirstOrDefault(File.Exists);
        if (node is null)
        {
            if (TestEngine.InCi) throw new InvalidOperationException("CI=true but Node.js is missing: run ./test.sh (it installs the nodejs package).");
            Skip.If(true, "Node.js is not installed (./test.sh installs it)");
        }
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "ContactHub.sln"))) root = root.Parent!;
        var readme = await File.ReadAllTextAsync(Path.Combine(root.FullName, "README.md"));
        var start = readme.IndexOf("```js\n", readme.IndexOf("<!-- verify-node", StringComparison.Ordinal), StringComparison.Ordinal) + 6;
        var function = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        var input = System.Text.Json.JsonSerializer.Serialize(new
        {
            secret, body = r.Body, headers = new Dictionary<string, string?> { ["webhook-id"] = r.Id, ["webhook-timestamp"] = r.Timestamp, ["webhook-signature"] = r.Signature },
        });
        var script = function + """

            const input = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
            console.log(verify(input.secret, input.headers, input.body), verify(input.secret, input.headers, input.body + " "));
            """;
        var start2 = new System.Diagnostics.ProcessStartInfo(node, ["-e", script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start2)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        return output.Trim();
    }

    [SkippableFact]
    public async Task Bad_subscriptions_get_a_problem_naming_the_field_and_only_an_admin_may_subscribe()
    {
        var cases = new (object Body, string Field)[]
        {
            (new { url = "http://crm.example.com/hooks", events = new[] { "interaction.recorded" } }, "url"),
            (new { url = "ftp://crm.example.com/hooks", events = new[] { "interaction.recorded" } }, "url"),
            (new { url = "https://user:pw@crm.example.com/hooks", events = new[] { "interaction.recorded" } }, "url"),
            (new { url = "https://crm.example.com/hooks", events = new[] { "interaction.created" } }, "events"),
            (new { url = "https://crm.example.com/hooks", events = Array.Empty<string>() }, "events"),
            (new { url = "https://crm.example.com/hooks", events = new[] { "interaction.recorded" }, secret = "" }, "secret"),
            (new { url = "https://crm.example.com/hooks", events = new[] { "interaction.recorded" }, secret = "whsec_c2hvcnQ=" }, "secret"),
            (new { url = "https://crm.example.com/hooks", events = new[] { "interaction.recorded" }, channel = "fax" }, "channel"),
            (new { url = "https://crm.example.com/hooks", events = new[] { "contact.updated" }, changedFields = new[] { "display name" } }, "changedFields"),
        };
        foreach (var (body, field) in cases)
        {
            var problem = await (await Admin.PostAsJsonAsync("/api/v1/event-subscriptions", body)).Expect(400);
            Assert.True(problem["errors"]?[field] is not null, $"{field}: {problem.ToJsonString()}");
        }
        var ok = await Admin.PostOk("/api/v1/event-subscriptions", new { url = "https://crm.example.com/hooks", events = new[] { "contact.merged" } }, 201);
        Assert.StartsWith("whsec_", ok["secret"]!.GetValue<string>());
        var id = ok["subscription"]!["id"]!.GetValue<long>();
        Assert.Null((await Admin.GetFromJsonAsync<JsonNode>($"/api/v1/event-subscriptions/{id}"))!["secret"]); // shown once
        Assert.Equal(HttpStatusCode.Forbidden, (await App.Client("read", "write").GetAsync("/api/v1/event-subscriptions")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.PatchAsJsonAsync($"/api/v1/event-subscriptions/{id}", new { status = "paused" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/event-subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/v1/event-subscriptions/{id}")).StatusCode);
    }

    [SkippableFact]
    public async Task Deliveries_are_signed_as_the_specification_says_and_filters_send_only_what_was_asked()
    {
        await using var receiver = new WebhookReceiver();
        var (_, secret) = await Subscribe(receiver, new { channel = "sms" }, "interaction.recorded");
        var (_, fieldsSecret) = await Subscribe(receiver, new { changedFields = new[] { "externalId" } }, "contact.updated");
        var phone = Customers.Phone();
        await Record(phone, "chat");                          // another channel: not sent
        var sms = await Record(phone, "sms");
        var contactId = (await Admin.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}"))!["contact"]!["id"]!.GetValue<long>();
        (await Admin.PatchAsJsonAsync($"/api/v1/contacts/{contactId}", new { name = "Zoé" })).EnsureSuccessStatusCode();          // a field not asked for
        (await Admin.PatchAsJsonAsync($"/api/v1/contacts/{contactId}", new { externalId = $"crm-{contactId}" })).EnsureSuccessStatusCode();

        await Until(() => receiver.Accepted.Count >= 2, what: "two deliveries");
        await Task.Delay(500); // nothing else is coming
        var received = receiver.Accepted.ToList();
        Assert.Equal(2, received.Count);
        var recorded = received.Single(r => r.Json["type"]!.GetValue<string>() == "interaction.recorded");
        Assert.Equal(sms, recorded.Json["data"]!["interactionId"]!.GetValue<long>());
        Assert.True(SignatureHolds(secret, recorded), "the interaction.recorded signature");
        var updated = received.Single(r => r.Json["type"]!.GetValue<string>() == "contact.updated");
        Assert.Equal(["externalId"], updated.Json["data"]!["changed"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.True(SignatureHolds(fieldsSecret, updated), "the contact.updated signature");
        Assert.False(SignatureHolds(secret, updated), "a signature made with another subscription's secret");
        Assert.Equal(recorded.Id, recorded.Json["id"]!.GetValue<string>());

        // The README's receivers accept it too, and refuse a tampered body: the C# lines (the StandardWebhooks package) and the Node function.
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary
        {
            ["webhook-id"] = recorded.Id, ["webhook-timestamp"] = recorded.Timestamp, ["webhook-signature"] = recorded.Signature,
        };
        new StandardWebhooks.StandardWebhook(secret).Verify(recorded.Body, headers);
        Assert.ThrowsAny<Exception>(() => new StandardWebhooks.StandardWebhook(secret).Verify(recorded.Body.Replace("sms", "SMS"), headers));
        Assert.Equal("true false", await ReadmeNodeVerify(secret, recorded));
        Assert.InRange(long.Parse(recorded.Timestamp!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [SkippableFact]
    public async Task A_subscriber_down_for_a_minute_then_receives_everything_once_in_per_contact_order()
    {
        await using var receiver = new WebhookReceiver { Down = true };
        var (subscriptionId, secret) = await Subscribe(receiver, null, "interaction.recorded");
        var phones = Enumerable.Range(0, 4).Select(_ => Customers.Phone()).ToList();
        var expected = phones.ToDictionary(p => p, _ => new List<long>());
        for (var round = 0; round < 5; round++)
            foreach (var phone in phones)
                expected[phone].Add(await Record(phone));

        await Task.Delay(TimeSpan.FromSeconds(60));
        Assert.Empty(receiver.Accepted);
        Assert.True(receiver.Requests.Count >= phones.Count * 2, $"retried while down ({receiver.Requests.Count} attempts)");
        var waiting = await Admin.GetFromJsonAsync<JsonNode>($"/api/v1/event-subscriptions/{subscriptionId}/deliveries?status=pending&limit=500");
        Assert.Equal(20, waiting!.AsArray().Count);
        Assert.Contains(waiting.AsArray(), d => d!["attempts"]!.GetValue<long>() > 1 && d["lastStatusCode"]!.GetValue<int>() == 503);
        // While one contact's first event fails, that contact's later events wait: only the heads of the four queues were tried.
        Assert.Equal(phones.Count, receiver.Requests.Select(r => r.Id).Distinct().Count());

        receiver.Down = false;
        await Until(() => receiver.Accepted.Count == 20, seconds: 30, what: "the 20 events after the subscriber came back");
        await Task.Delay(300);
        var accepted = receiver.Accepted.ToList();
        Assert.Equal(20, accepted.Count);
        Assert.All(accepted, r => Assert.True(SignatureHolds(secret, r)));
        var delivered = receiver.Requests.Where(r => r.At > accepted[0].At.AddMilliseconds(-1)).Select(r => r.Id).ToList();
        Assert.Equal(delivered.Count, delivered.Distinct().Count()); // once up, nothing was sent twice
        foreach (var phone in phones)
        {
            var contactsOrder = accepted.Select(r => r.Json["data"]!).Where(d => expected[phone].Contains(d["interactionId"]!.GetValue<long>()))
                .Select(d => d["interactionId"]!.GetValue<long>()).ToList();
            Assert.Equal(expected[phone], contactsOrder);
        }
    }

    [SkippableFact]
    public async Task Two_nodes_deliver_each_event_once_and_a_stream_on_one_node_sees_the_other_nodes_events()
    {
        await using var receiver = new WebhookReceiver();
        await Subscribe(receiver, null, "interaction.recorded");
        var sibling = await App.StartSiblingAsync();
        try
        {
            await App.Get<ContactHub.Events.EventSequencer>().SequenceOnceAsync(); // the stream starts after what is numbered
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream?types=interaction.recorded");
            using var stream = await App.Client("read").SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
            await reader.ReadLineAsync();

            var siblingClient = sibling.Client("read", "write");
            var phone = Customers.Phone();
            var fromSibling = await Record(phone, via: siblingClient);
            var (_, _, data) = await EventLogSuite<TApp>.NextEvent(reader);
            Assert.Equal(fromSibling, data["data"]!["interactionId"]!.GetValue<long>());

            var phones = Enumerable.Range(0, 10).Select(_ => Customers.Phone()).ToList();
            // Eight requests at a time, as a busy integration would send them (a hundred at once would take the server's connections).
            using var gate = new SemaphoreSlim(8);
            var ids = await Task.WhenAll(Enumerable.Range(0, 100).Select(async n =>
            {
                await gate.WaitAsync();
                try { return await Record(phones[n % 10], via: n % 2 == 0 ? siblingClient : Admin); }
                finally { gate.Release(); }
            }));
            await Until(() => receiver.Accepted.Count == 101, seconds: 60, what: "101 deliveries");
            await Task.Delay(500);
            Assert.Equal(101, receiver.Requests.Count); // each once, though two nodes were sending
            Assert.Equal(ids.Append(fromSibling).Order(), receiver.Accepted.Select(r => r.Json["data"]!["interactionId"]!.GetValue<long>()).Order());
        }
        finally
        {
            await sibling.StopAsync();
        }
    }

    [SkippableFact]
    public async Task A_quiet_stream_writes_heartbeat_comments_so_that_proxies_keep_it_open()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream?types=report.delivered");
        using var response = await App.Client("read").SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.Headers.CacheControl is { NoCache: true, NoTransform: true }, $"Cache-Control: {response.Headers.CacheControl}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var beats = 0;
        while (beats < 2)
            if (await reader.ReadLineAsync(timeout.Token) == ": keep-alive") beats++;
    }

    [SkippableFact]
    public async Task A_delivery_is_listed_with_its_attempts_and_can_be_sent_again()
    {
        await using var receiver = new WebhookReceiver();
        var (subscriptionId, _) = await Subscribe(receiver, null, "contact.created");
        await Record(Customers.Phone());
        await Until(() => receiver.Accepted.Count == 1, what: "the delivery");
        // The receiver has answered before the dispatcher writes down its answer: wait for the listing to show it.
        JsonNode? delivery = null;
        await Until(() => (delivery = Admin.GetFromJsonAsync<JsonNode>($"/api/v1/event-subscriptions/{subscriptionId}/deliveries").Result!.AsArray().Single())!["status"]!
            .GetValue<string>() != "pending", what: "the delivery's outcome listed");
        Assert.Equal("delivered", delivery!["status"]!.GetValue<string>());
        Assert.Equal(204, delivery["lastStatusCode"]!.GetValue<int>());
        Assert.Equal(1, delivery["attempts"]!.GetValue<long>());

        var retry = await Admin.PostAsync($"/api/v1/event-subscriptions/{subscriptionId}/deliveries/{delivery["id"]}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await Until(() => receiver.Requests.Count == 2, what: "the redelivery");
        Assert.Equal(receiver.Requests.First().Id, receiver.Requests.Last().Id); // the same webhook-id: a receiver that keeps ids ignores it
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.PostAsync($"/api/v1/event-subscriptions/{subscriptionId}/deliveries/987654321/retry", null)).StatusCode);
    }
}

/// <summary>Retries every fraction of a second (the backoff's shape, not its scale, is under test); a subscription is never disabled here.</summary>
public abstract class WebhookApp(DatabaseProvider provider) : ContactHubApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Events:RetryBaseDelay", "00:00:00.200"), new("Events:MaxRetryDelay", "00:00:02"), new("Events:PollInterval", "00:00:00.100"),
         new("Events:Heartbeat", "00:00:00.300")];
}

public sealed class WebhookSqliteApp() : WebhookApp(DatabaseProvider.Sqlite);

public sealed class WebhookPostgresApp() : WebhookApp(DatabaseProvider.Postgres);

public sealed class WebhooksOnSqlite(WebhookSqliteApp app) : WebhookSuite<WebhookSqliteApp>(app);

public sealed class WebhooksOnPostgres(WebhookPostgresApp app) : WebhookSuite<WebhookPostgresApp>(app);
