using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ContactHub.Channels.Graph;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Channels.Graph;

/// <summary>The host with Graph (mail transport, mailbox, Teams calls) pointed at a local server speaking Graph's protocol.</summary>
public abstract class GraphApp(DatabaseProvider provider) : ContactHubApp(provider)
{
    public const string ClientState = "graph-client-state-secret";
    public const string Mailbox = "support@contoso.com";

    public FakeGraph Graph { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Graph:TenantId", FakeGraph.Tenant),
        new("Graph:ClientId", FakeGraph.ClientId),
        new("Graph:ClientSecret", FakeGraph.ClientSecret),
        new("Graph:BaseUrl", Graph.BaseUrl + "/v1.0"),
        new("Graph:TokenEndpoint", Graph.BaseUrl + "/{tenant}/oauth2/v2.0/token"),
        new("Graph:SendAs", Mailbox),
        new("Graph:Mailboxes:0:User", Mailbox),
        new("Graph:Mailboxes:0:Folder", "inbox"),
        new("Graph:PstnCalls", "true"),
        new("Graph:PstnLag", "00:00:00"),
        new("Graph:PollInterval", "01:00:00"),
        new("Graph:NotificationClientState", ClientState),
        new("Email:Transport", "Graph"),
        new("Email:FromAddress", Mailbox),
        new("Outbox:PollInterval", "00:00:00.100"),
        new("Contacts:DefaultRegion", "FR"),
    ];

    protected override ValueTask DisposeExtrasAsync() => Graph.DisposeAsync();
}

public sealed class GraphSqliteApp() : GraphApp(DatabaseProvider.Sqlite);

public sealed class GraphPostgresApp() : GraphApp(DatabaseProvider.Postgres);

public abstract class GraphSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : GraphApp
{
    private async Task<long> Count(string provider, string providerRef)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE provider = @provider AND provider_ref = @providerRef", new { provider, providerRef });
    }

    [SkippableFact]
    public async Task A_delta_sync_of_three_pages_records_each_message_once_and_a_second_sync_nothing_new()
    {
        var sync = App.Get<GraphMailboxSync>();
        await sync.SyncAsync(GraphApp.Mailbox, "inbox"); // whatever earlier tests left
        var senders = Enumerable.Range(0, 5).Select(_ => Customers.Email()).ToList();
        foreach (var sender in senders) App.Graph.Mailbox.Add(FakeGraph.Message(sender, "Where is my refund?", "<html><body><p>Hello,</p><p>Still waiting &amp; worried.</p></body></html>"));
        var removed = FakeGraph.Message(Customers.Email(), "deleted", "x");
        App.Graph.Mailbox.Add(FakeGraph.Removed(removed["id"]!.GetValue<string>()));

        var first = await sync.SyncAsync(GraphApp.Mailbox, "inbox");
        var second = await sync.SyncAsync(GraphApp.Mailbox, "inbox");
        var later = Customers.Email();
        App.Graph.Mailbox.Add(FakeGraph.Message(later, "One more thing", "<p>PS</p>"));
        var third = await sync.SyncAsync(GraphApp.Mailbox, "inbox");

        Assert.Equal(5, first.Recorded);
        Assert.Equal(0, second.Recorded + second.Repeated);
        Assert.Equal(1, third.Recorded);
        foreach (var m in App.Graph.Mailbox.Where(m => m.ContainsKey("internetMessageId")))
            Assert.Equal(1, await Count("email", m["internetMessageId"]!.GetValue<string>().Trim('<', '>')));
        var pop = await App.Client().GetOk($"/api/v1/contacts/lookup?email={Uri.EscapeDataString(senders[0])}");
        Assert.Contains("Still waiting & worried.", pop["recentActivities"]![0]!["body"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task An_expired_delta_link_restarts_the_sync_without_duplicates()
    {
        var sync = App.Get<GraphMailboxSync>();
        App.Graph.Mailbox.Add(FakeGraph.Message(Customers.Email(), "Before expiry", "<p>a</p>"));
        await sync.SyncAsync(GraphApp.Mailbox, "inbox");
        App.Graph.ExpiredDeltaTokens.Add(App.Graph.Mailbox.Count.ToString());
        var added = FakeGraph.Message(Customers.Email(), "After expiry", "<p>b</p>");
        App.Graph.Mailbox.Add(added);

        var headersAsked = App.Graph.Requests.Count(r => Uri.UnescapeDataString(r).Contains("$select=internetMessageHeaders", StringComparison.OrdinalIgnoreCase));
        var result = await sync.SyncAsync(GraphApp.Mailbox, "inbox");

        Assert.Equal(1, result.Recorded); // everything else was already known
        Assert.True(result.Repeated >= 1);
        // Only the new message's headers are asked for: the restart reads the whole folder again.
        Assert.Equal(headersAsked + 1, App.Graph.Requests.Count(r => Uri.UnescapeDataString(r).Contains("$select=internetMessageHeaders", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(1, await Count("email", added["internetMessageId"]!.GetValue<string>().Trim('<', '>')));
    }

    [SkippableFact]
    public async Task A_graph_error_leaves_the_cursor_where_it_was_and_the_next_poll_catches_up()
    {
        var sync = App.Get<GraphMailboxSync>();
        await sync.SyncAsync(GraphApp.Mailbox, "inbox");
        var cursor = await App.Get<SyncStateStore>().GetAsync($"graph:delta:{GraphApp.Mailbox}/inbox");
        App.Graph.Mailbox.Add(FakeGraph.Message(Customers.Email(), "During the outage", "<p>c</p>"));
        App.Graph.FailNextDeltaWith.Enqueue(503);

        await Assert.ThrowsAsync<Microsoft.Graph.Models.ODataErrors.ODataError>(() => sync.SyncAsync(GraphApp.Mailbox, "inbox"));
        Assert.Equal(cursor, await App.Get<SyncStateStore>().GetAsync($"graph:delta:{GraphApp.Mailbox}/inbox"));
        Assert.Equal(1, (await sync.SyncAsync(GraphApp.Mailbox, "inbox")).Recorded);
    }

    [SkippableFact]
    public async Task Teams_pstn_calls_become_call_interactions_under_the_callers_contact_once()
    {
        var (caller, callee) = (Customers.Phone(), Customers.Phone());
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        App.Graph.PstnCalls.Add(FakeGraph.PstnCall(caller, "+33140000000", start, 219, "user_in"));
        App.Graph.PstnCalls.Add(FakeGraph.PstnCall(caller, "+33140000000", start.AddMinutes(5), 40, "user_in"));
        App.Graph.PstnCalls.Add(FakeGraph.PstnCall("+33140000000", callee, start.AddMinutes(10), 75, "user_out"));
        App.Graph.PstnCalls.Add(FakeGraph.PstnCall("anonymous", "+33140000000", start.AddMinutes(11), 5, "user_in"));

        // Other tests' syncs moved the window; the whole Graph job, if the notification test started it, may move it again between
        // setting it and reading it (then this read sees an empty window and is made again: recording is idempotent).
        ContactHub.Channels.Email.IngestResult first;
        var attempts = 0;
        do
        {
            await App.Get<SyncStateStore>().SetAsync(TeamsCallSync.StateKey, start.AddMinutes(-1).ToString("O"));
            first = await App.Get<TeamsCallSync>().SyncAsync();
        }
        while (first.Recorded + first.Repeated + first.Skipped == 0 && ++attempts < 5);
        await App.Get<SyncStateStore>().SetAsync(TeamsCallSync.StateKey, start.AddHours(-1).ToString("O")); // an overlapping window
        var again = await App.Get<TeamsCallSync>().SyncAsync();

        // The notification test may have started the whole Graph job, which can record these calls first: once is what counts.
        Assert.True(first.Recorded + first.Repeated == 3, $"recorded {first.Recorded}, repeated {first.Repeated}");
        Assert.Equal(1, first.Skipped); // a withheld number cannot be recognised
        Assert.Equal(0, again.Recorded);
        var pop = await App.Client().GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(caller)}");
        var calls = (await App.Client().GetOk($"/api/v1/contacts/{pop["contact"]!["id"]}/activities"))["items"]!.AsArray();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal(("call", "inbound", "richard.malk@contoso.com"), (c!["channel"]!.GetValue<string>(), c["direction"]!.GetValue<string>(), c["agent"]!.GetValue<string>())));
        Assert.Contains(calls, c => c!["durationSeconds"]!.GetValue<long>() == 219);
        var outbound = await App.Client().GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(callee)}");
        Assert.Equal("outbound", outbound["recentActivities"]![0]!["direction"]!.GetValue<string>());
    }

    private async Task<MimeKit.MimeMessage> SentTo(string email)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        MimeKit.MimeMessage? sent = null;
        while (sent is null && DateTime.UtcNow < deadline)
        {
            sent = App.Graph.SentMime.FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == email));
            await Task.Delay(50);
        }
        Assert.NotNull(sent);
        return sent;
    }

    [SkippableFact]
    public async Task Email_from_a_conversation_goes_out_through_graph_send_mail_with_our_message_id()
    {
        var email = Customers.Email();
        var conversationId = (await App.Client().PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { email } }, 201))["conversationId"]!.GetValue<long>();

        var queued = await App.Client().PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "email", subject = "Your refund", body = "It was sent today." }, 202);
        var sent = await SentTo(email);

        Assert.Equal("Your refund", sent.Subject);
        Assert.Equal("It was sent today.", sent.TextBody?.Trim());
        Assert.Equal(GraphApp.Mailbox, sent.From.Mailboxes.Single().Address);
        // In MIME format the Message-ID is ours, the one the interaction keeps: a reply naming it threads back.
        await using var connection = await App.Get<Db>().OpenAsync();
        Assert.Equal(sent.MessageId, await connection.ExecuteScalarAsync<string>("SELECT provider_ref FROM interactions WHERE id = @id", new { id = queued["interactionId"]!.GetValue<long>() }));
        Assert.Equal(1, App.Graph.TokenRequests); // the token is cached
    }

    [SkippableFact]
    public async Task An_attachment_graph_could_not_carry_is_refused_when_asked_not_found_failed_later()
    {
        var email = Customers.Email();
        var conversationId = (await App.Client().PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { email } }, 201))["conversationId"]!.GetValue<long>();
        object With(int bytes) => new
        {
            channel = "email", subject = "Your documents", body = "Attached.",
            attachments = new[] { new { fileName = "scan.pdf", contentType = "application/pdf", contentBase64 = Convert.ToBase64String(new byte[bytes]) } },
        };

        // 3 MB is 5.4 MB as MIME: before, it was queued (202) and Graph refused it with a 413 after the agent had moved on.
        var refused = await (await App.Client().PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", With(3 * 1024 * 1024))).Expect(400);
        Assert.Contains("through Graph", refused["errors"]!["attachments"]![0]!.GetValue<string>());
        await App.Client().PostOk($"/api/v1/conversations/{conversationId}/messages", With(1024 * 1024), 202);
        Assert.Single((await SentTo(email)).Attachments);
    }

    [SkippableFact]
    public async Task A_reply_read_through_graph_threads_to_the_email_it_answers_and_an_out_of_office_does_not_reopen_it()
    {
        var sync = App.Get<GraphMailboxSync>();
        await sync.SyncAsync(GraphApp.Mailbox, "inbox"); // whatever earlier tests left
        var email = Customers.Email();
        var first = (await App.Client().PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { email } }, 201))["conversationId"]!.GetValue<long>();
        await App.Client().PostOk($"/api/v1/conversations/{first}/messages", new { channel = "email", subject = "Your refund", body = "It was sent today." }, 202);
        var sent = await SentTo(email);
        await App.Client().PostOk($"/api/v1/conversations/{first}/end", new { summary = "Refund sent." });
        // The customer is back on another matter: a new conversation, active.
        var second = (await App.Client().PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { email } }, 201))["conversationId"]!.GetValue<long>();
        Assert.NotEqual(first, second);

        JsonObject Answering(string subject, params (string Name, string Value)[] extra)
        {
            var message = FakeGraph.Message(email, subject, "<p>Thanks</p>");
            message["internetMessageHeaders"] = new JsonArray([.. new[] { ("In-Reply-To", $"<{sent.MessageId}>"), ("References", $"<{sent.MessageId}>") }.Concat(extra)
                .Select(h => (JsonNode)new JsonObject { ["name"] = h.Item1, ["value"] = h.Item2 })]);
            return message;
        }
        var reply = Answering("RE: Your refund");
        var away = Answering("Automatic reply: Your refund", ("Auto-Submitted", "auto-replied"));
        App.Graph.Mailbox.Add(away);
        App.Graph.Mailbox.Add(reply);
        await sync.SyncAsync(GraphApp.Mailbox, "inbox");

        // Before: Graph sent its own Message-ID and the headers were never read, so the reply went to the sender's active
        // conversation, and the out-of-office counted as the customer writing.
        await using var connection = await App.Get<Db>().OpenAsync();
        (long ConversationId, string Status) Filed(JsonObject m) => connection.QuerySingle<(long, string)>(
            "SELECT conversation_id, status FROM interactions WHERE provider = 'email' AND provider_ref = @r", new { r = m["internetMessageId"]!.GetValue<string>().Trim('<', '>') });
        Assert.Equal((first, "received"), Filed(reply));
        Assert.Equal((first, "auto-replied"), Filed(away));
        Assert.Contains(App.Graph.Requests, r => Uri.UnescapeDataString(r).Contains("$select=internetMessageHeaders", StringComparison.OrdinalIgnoreCase));
    }

    [SkippableFact]
    public async Task The_notification_endpoint_answers_the_handshake_checks_client_state_and_triggers_a_sync()
    {
        var anonymous = App.Anonymous();
        var handshakeGet = await anonymous.GetAsync("/webhooks/graph?validationToken=Validation%3A%20token%20123");
        var handshakePost = await anonymous.PostAsync("/webhooks/graph?validationToken=abc", new StringContent("", Encoding.UTF8, "text/plain"));
        var forged = await anonymous.PostAsJsonAsync("/webhooks/graph", new { value = new[] { new { clientState = "guess", changeType = "created", resource = "Users/x/Messages/y" } } });
        var garbage = await anonymous.PostAsync("/webhooks/graph", new StringContent("{not json", Encoding.UTF8, "application/json"));
        var before = App.Graph.Requests.Count(r => r.Contains("/messages/delta", StringComparison.Ordinal));
        App.Graph.Mailbox.Add(FakeGraph.Message(Customers.Email(), "Notified", "<p>n</p>"));
        var genuine = await anonymous.PostAsJsonAsync("/webhooks/graph", new { value = new[] { new { clientState = GraphApp.ClientState, changeType = "created", resource = $"Users/{GraphApp.Mailbox}/Messages/AAMk" } } });

        Assert.Equal(HttpStatusCode.OK, handshakeGet.StatusCode);
        Assert.Equal("text/plain", handshakeGet.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Validation: token 123", await handshakeGet.Content.ReadAsStringAsync());
        Assert.Equal("abc", await handshakePost.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, genuine.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (App.Graph.Requests.Count(r => r.Contains("/messages/delta", StringComparison.Ordinal)) == before && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(App.Graph.Requests.Count(r => r.Contains("/messages/delta", StringComparison.Ordinal)) > before, "the notification did not trigger a sync");
    }
}

public sealed class GraphOnSqlite(GraphSqliteApp app) : GraphSuite<GraphSqliteApp>(app);

public sealed class GraphOnPostgres(GraphPostgresApp app) : GraphSuite<GraphPostgresApp>(app);
