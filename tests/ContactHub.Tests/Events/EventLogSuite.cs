using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Events;
using ContactHub.Reports;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Events;

/// <summary>
/// The event log: every listed change writes its event in its own transaction, exactly once, and nothing else does; the feed
/// replays it by cursor; an erasure scrubs what the log said of the contact.
/// </summary>
public abstract class EventLogSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Api => App.Client("read", "write", "admin");

    /// <summary>The contact's events, oldest first, once the sequencer has numbered everything committed so far.</summary>
    private async Task<List<JsonNode>> EventsOf(long contactId, string types = "")
    {
        await App.Get<EventSequencer>().SequenceOnceAsync();
        var page = await (await Api.GetAsync($"/api/v1/events?contactId={contactId}&limit=1000&types={types}")).Expect(200);
        return page["events"]!.AsArray().Select(e => e!).ToList();
    }

    private static List<string> Types(IEnumerable<JsonNode> events) => events.Select(e => e["type"]!.GetValue<string>()).ToList();

    private async Task<JsonNode> Record(object customer, string channel = "sms", string direction = "inbound", string? providerRef = null, string? status = null, long? conversationId = null) =>
        await Api.PostOk("/api/v1/interactions", new { channel, direction, customer, provider = providerRef is null ? null : "test", providerRef, status, conversationId },
            providerRef is null ? 201 : (await Exists(providerRef) ? 200 : 201));

    private async Task<bool> Exists(string providerRef)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE provider = 'test' AND provider_ref = @providerRef", new { providerRef }) > 0;
    }

    [SkippableFact]
    public async Task Each_change_writes_its_event_once_and_a_repeat_or_a_no_op_writes_none()
    {
        var phone = Customers.Phone();
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var first = await Record(new { phone, name = "Inès Duval" }, providerRef: sid, status: "received");
        var contactId = first["contactId"]!.GetValue<long>();
        var conversationId = first["conversationId"]!.GetValue<long>();
        await Record(new { phone }, providerRef: sid, status: "received");                 // a retried webhook: no event
        await Record(new { phone }, providerRef: sid, status: "read");                     // the status moved: one event
        var call = await Record(new { phone }, channel: "call", direction: "outbound", status: "completed");
        var recorded = await EventsOf(contactId);
        Assert.Equal(["contact.created", "conversation.started", "interaction.recorded", "interaction.status-changed", "interaction.recorded"], Types(recorded));

        // A known contact's event (on PostgreSQL its id is taken ahead of the insert): the answer, the row and the event name one interaction.
        var callId = call["interactionId"]!.GetValue<long>();
        Assert.Equal(callId, recorded[4]["data"]!["interactionId"]!.GetValue<long>());
        await using (var connection = await App.Get<Db>().OpenAsync())
            Assert.Equal((conversationId, contactId, "call"), await connection.QuerySingleAsync<(long, long, string)>(
                "SELECT conversation_id, contact_id, channel FROM interactions WHERE id = @callId", new { callId }));

        var email = $"ines.{Guid.NewGuid():N}@example.org";
        var identifierId = (await Api.PostOk($"/api/v1/contacts/{contactId}/identifiers", new { kind = "email", value = email }, 201))["id"]!.GetValue<long>();
        (await Api.DeleteAsync($"/api/v1/contacts/{contactId}/identifiers/{identifierId}")).EnsureSuccessStatusCode();
        (await Api.PatchAsJsonAsync($"/api/v1/contacts/{contactId}", new { name = "Inès Duval-Morel" })).EnsureSuccessStatusCode();
        (await Api.PatchAsJsonAsync($"/api/v1/contacts/{contactId}", new { name = "Inès Duval-Morel" })).EnsureSuccessStatusCode(); // no change
        (await Api.PutAsJsonAsync($"/api/v1/contacts/{contactId}/consents/sms", new { status = "opted_out" })).EnsureSuccessStatusCode();
        (await Api.PutAsJsonAsync($"/api/v1/contacts/{contactId}/consents/sms", new { status = "opted_out" })).EnsureSuccessStatusCode(); // no change
        await Api.PostOk($"/api/v1/conversations/{conversationId}/assign", new { agent = "maria" });
        await Api.PostOk($"/api/v1/conversations/{conversationId}/assign", new { agent = "maria" }); // no change
        var followUpId = (await Api.PostOk("/api/v1/follow-ups", new { contactId, conversationId, title = "Call back" }, 201))["id"]!.GetValue<long>();
        (await Api.PatchAsJsonAsync($"/api/v1/follow-ups/{followUpId}", new { status = "done" })).EnsureSuccessStatusCode();
        (await Api.PatchAsJsonAsync($"/api/v1/follow-ups/{followUpId}", new { status = "done" })).EnsureSuccessStatusCode(); // already done
        (await Api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/end", new { summary = "Sorted" })).EnsureSuccessStatusCode();

        var events = await EventsOf(contactId);
        Assert.Equal(
        [
            "contact.created", "conversation.started", "interaction.recorded", "interaction.status-changed", "interaction.recorded",
            "contact.identifier-added", "contact.identifier-removed", "contact.updated", "consent.changed", "conversation.assigned",
            "follow-up.created", "follow-up.completed", "conversation.ended",
        ], Types(events));
        Assert.Equal(events.Select(e => e["cursor"]!.GetValue<long>()).Order(), events.Select(e => e["cursor"]!.GetValue<long>()));
        Assert.Equal(events.Count, events.Select(e => e["id"]!.GetValue<string>()).Distinct().Count());

        // Payloads: ids and what changed.
        var status = events[3]["data"]!;
        Assert.Equal(("read", "received"), (status["status"]!.GetValue<string>(), status["previousStatus"]!.GetValue<string>()));
        Assert.Equal(email, events[5]["data"]!["identifier"]!["value"]!.GetValue<string>());
        Assert.Equal(["displayName"], events[7]["data"]!["changed"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("Inès Duval-Morel", events[7]["data"]!["displayName"]!.GetValue<string>());
        Assert.Equal("opted_out", events[8]["data"]!["status"]!.GetValue<string>());
        Assert.Equal("maria", events[9]["data"]!["agent"]!.GetValue<string>());
        Assert.Equal(followUpId, events[11]["data"]!["followUpId"]!.GetValue<long>());
        Assert.Equal(conversationId, events[12]["data"]!["conversationId"]!.GetValue<long>());
        Assert.DoesNotContain(events, e => e["data"]!.ToJsonString().Contains("body", StringComparison.OrdinalIgnoreCase));
    }

    [SkippableFact]
    public async Task A_campaign_message_an_outbox_outcome_an_idle_end_and_a_report_delivery_each_write_their_event()
    {
        var phone = Customers.Phone();
        var first = await Record(new { phone });
        var contactId = first["contactId"]!.GetValue<long>();
        var conversationId = first["conversationId"]!.GetValue<long>();

        // A campaign's message: its interaction (queued) and campaign.message.queued in one transaction.
        var campaignId = (await Api.PostOk("/api/v1/campaigns",
            new { name = $"events {Guid.NewGuid():N}", trigger = "conversation-ended", parameters = new { minutes = 0 }, channel = "sms", body = "We missed you", paused = true }, 201))["id"]!.GetValue<long>();
        var sent = await App.Get<ConversationMessenger>().SendAsync(conversationId, new SendMessageRequest("sms", Body: "We missed you"), summary: false, idempotencyKey: null,
            CancellationToken.None, campaignId: campaignId);
        Assert.Equal(MessageOutcome.Queued, sent.Outcome);

        // The outbox settles the message: here as a permanent failure (the dispatcher is off on this host; the test plays it).
        var outbox = App.Get<ContactHub.Outbox.OutboxStore>();
        var claimed = await outbox.ClaimAsync("test-node", 10, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Contains(claimed, c => c.InteractionId == sent.Queued!.InteractionId);
        await outbox.MarkFailedAsync(claimed.Single(c => c.InteractionId == sent.Queued!.InteractionId), "test-node", "21211 invalid number", CancellationToken.None);

        // Idle: the end-idle job ends it, with the event.
        await using (var connection = await App.Get<Db>().OpenAsync())
            await connection.ExecuteAsync("UPDATE conversations SET last_activity_at = @old WHERE id = @conversationId", new { conversationId, old = DateTimeOffset.UtcNow.AddDays(-1) });
        Assert.True(await App.Get<ConversationStore>().EndIdleAsync(DateTimeOffset.UtcNow.AddHours(-1)) >= 1);

        var events = await EventsOf(contactId);
        Assert.Equal(["contact.created", "conversation.started", "interaction.recorded", "interaction.recorded", "campaign.message.queued",
            "interaction.status-changed", "conversation.ended"], Types(events));
        Assert.Equal(campaignId, events[4]["data"]!["campaignId"]!.GetValue<long>());
        Assert.Equal("failed", events[5]["data"]!["status"]!.GetValue<string>());
        Assert.Equal("idle", events[6]["data"]!["reason"]!.GetValue<string>());

        // A report copy accepted by the mail server.
        var period = new ReportPeriod(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 1), TimeZoneInfo.Utc);
        var (runId, _) = await App.Get<ReportRunStore>().QueueAsync("interactions-daily", period, "test", ["boss@example.org"]);
        await App.Get<ReportDeliveryStore>().PlanAsync(runId, ["boss@example.org"], CancellationToken.None);
        await App.Get<ReportDeliveryStore>().SentAsync(runId, "boss@example.org", "<m1@example.org>", CancellationToken.None);
        await App.Get<EventSequencer>().SequenceOnceAsync();
        var reports = await Api.GetFromJsonAsync<JsonNode>("/api/v1/events?types=report.delivered&limit=1000");
        Assert.Contains(reports!["events"]!.AsArray(), e => e!["data"]!["runId"]!.GetValue<long>() == runId && e["data"]!["recipient"]!.GetValue<string>() == "boss@example.org");
    }

    [SkippableFact]
    public async Task A_change_rolled_back_or_refused_writes_no_event()
    {
        var db = App.Get<Db>();
        var phone = Customers.Phone();
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.InTransactionAsync<int>(async (connection, tx) =>
        {
            await App.Get<InteractionRecorder>().RecordAsync(connection, tx, new NewInteraction("sms", "inbound", DateTimeOffset.UtcNow, null, null, [new ContactHub.Contacts.Identifier("phone", "", phone)], null, null, null, null, null, "hi", null, null, null), CancellationToken.None);
            throw new InvalidOperationException("the unit fails after recording");
        }));
        await using (var connection = await db.OpenAsync())
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contact_identifiers WHERE value = @phone", new { phone }));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events WHERE data LIKE @like", new { like = $"%{phone}%" }));
        }

        var contactId = (await Record(new { phone }))["contactId"]!.GetValue<long>();
        var before = (await EventsOf(contactId)).Count;
        Assert.Equal(HttpStatusCode.Conflict, (await Api.PostAsJsonAsync($"/api/v1/contacts/{contactId}/merge", new { sourceContactId = contactId })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsJsonAsync("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone }, conversationId = 987654321 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsJsonAsync("/api/v1/conversations/987654321/end", new { })).StatusCode);
        Assert.Equal(before, (await EventsOf(contactId)).Count);
    }

    [SkippableFact]
    public async Task A_merge_and_its_undo_are_both_told_and_an_erasure_scrubs_the_contacts_earlier_events()
    {
        var target = (await Record(new { phone = Customers.Phone(), name = "Karim Haddad" }))["contactId"]!.GetValue<long>();
        var sourcePhone = Customers.Phone();
        var source = (await Record(new { phone = sourcePhone }))["contactId"]!.GetValue<long>();
        var merge = await Api.PostOk($"/api/v1/contacts/{target}/merge", new { sourceContactId = source });
        var mergeId = merge["mergeId"]!.GetValue<long>();
        await Api.PostOk($"/api/v1/merges/{mergeId}/undo", new { }, 204);

        var events = await EventsOf(target, "contact.merged,contact.merge-undone");
        Assert.Equal(["contact.merged", "contact.merge-undone"], Types(events));
        Assert.All(events, e => Assert.Equal((mergeId, source), (e["data"]!["mergeId"]!.GetValue<long>(), e["data"]!["sourceContactId"]!.GetValue<long>())));
        Assert.Equal(1, events[0]["data"]!["moved"]!["interactions"]!.GetValue<int>());

        var digits = sourcePhone.TrimStart('+'); // JsonNode writes '+' escaped
        Assert.Contains(digits, (await EventsOf(source)).First()["data"]!.ToJsonString());
        (await Api.DeleteAsync($"/api/v1/contacts/{source}")).EnsureSuccessStatusCode();
        var erased = await EventsOf(source);
        Assert.Equal("contact.erased", Types(erased).Last());
        Assert.All(erased.SkipLast(1), e =>
        {
            Assert.Equal(["contactId", "scrubbed"], e["data"]!.AsObject().Select(p => p.Key));
            Assert.DoesNotContain(digits, e.ToJsonString());
        });
        await using var connection = await App.Get<Db>().OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events WHERE data LIKE @like", new { like = $"%{digits}%" }));
    }

    [SkippableFact]
    public async Task A_pass_that_skips_its_probe_numbers_every_committed_event()
    {
        // Under load the sequencer goes straight to its transaction after a pass that numbered events (see SequenceOnceAsync).
        var contactId = (await Record(new { phone = Customers.Phone() }))["contactId"]!.GetValue<long>();
        await Record(new { phone = Customers.Phone() });

        await App.Get<EventSequencer>().SequenceOnceAsync(probe: false);

        await using var connection = await App.Get<Db>().OpenAsync();
        var positions = (await connection.QueryAsync<long?>("SELECT position FROM events WHERE contact_id = @contactId", new { contactId })).ToList();
        Assert.Equal(3, positions.Count); // contact.created, conversation.started, interaction.recorded
        Assert.All(positions, position => Assert.NotNull(position));
    }

    [SkippableFact]
    public async Task The_feed_pages_by_cursor_filters_by_type_and_contact_and_names_the_field_at_fault()
    {
        var contactId = (await Record(new { phone = Customers.Phone() }))["contactId"]!.GetValue<long>();
        for (var i = 0; i < 4; i++) await Record(new { phone = Customers.Phone() }, channel: "chat");
        await App.Get<EventSequencer>().SequenceOnceAsync();

        var all = new List<JsonNode>();
        var after = 0L;
        while (true)
        {
            var page = await Api.GetFromJsonAsync<JsonNode>($"/api/v1/events?after={after}&limit=3&types=interaction.recorded");
            all.AddRange(page!["events"]!.AsArray().Select(e => e!));
            after = page["next"]!.GetValue<long>();
            if (!page["hasMore"]!.GetValue<bool>()) break;
        }
        Assert.True(all.Count >= 5);
        Assert.All(all, e => Assert.Equal("interaction.recorded", e["type"]!.GetValue<string>()));
        Assert.Equal(all.Count, all.Select(e => e["cursor"]!.GetValue<long>()).Distinct().Count());
        Assert.Equal(all.Select(e => e["cursor"]!.GetValue<long>()).Order(), all.Select(e => e["cursor"]!.GetValue<long>()));
        Assert.Single(await EventsOf(contactId, "interaction.recorded"));

        foreach (var (query, field) in new[] { ("types=interaction.nope", "types"), ("limit=0", "limit"), ("after=-1", "after") })
        {
            var problem = await (await Api.GetAsync($"/api/v1/events?{query}")).Expect(400);
            Assert.NotNull(problem["errors"]![field]);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await App.Client("write").GetAsync("/api/v1/events")).StatusCode);
    }

    [SkippableFact]
    public async Task The_stream_sends_events_as_they_happen_and_resumes_after_the_last_event_id()
    {
        var client = App.Client("read", "write");
        await App.Get<EventSequencer>().SequenceOnceAsync(); // "from now on" starts after what is numbered: number the earlier tests' events first
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream?types=interaction.recorded");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("retry:", await reader.ReadLineAsync());

        var phone = Customers.Phone();
        var recorded = await Record(new { phone }, channel: "whatsapp");
        var (id, type, data) = await NextEvent(reader);
        Assert.Equal("interaction.recorded", type);
        Assert.Equal(recorded["interactionId"]!.GetValue<long>(), data["data"]!["interactionId"]!.GetValue<long>());
        Assert.Equal(id, data["cursor"]!.GetValue<long>());

        // Reconnecting with Last-Event-ID: what happened meanwhile, nothing before it.
        var second = await Record(new { phone = Customers.Phone() }, channel: "chat");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream?types=interaction.recorded");
        again.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var resumed = await client.SendAsync(again, HttpCompletionOption.ResponseHeadersRead);
        using var reader2 = new StreamReader(await resumed.Content.ReadAsStreamAsync());
        var (nextId, _, nextData) = await NextEvent(reader2);
        Assert.True(nextId > id);
        Assert.Equal(second["interactionId"]!.GetValue<long>(), nextData["data"]!["interactionId"]!.GetValue<long>());
    }

    internal static async Task<(long Id, string Type, JsonNode Data)> NextEvent(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        long id = 0;
        string? type = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new Xunit.Sdk.XunitException("the stream ended");
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) return (id, type!, JsonNode.Parse(line[6..])!);
        }
    }
}

// Hosts whose outbox only queues (the test settles a message itself) and whose Twilio is the local fake.
public sealed class EventLogOnSqlite(ContactHub.Tests.Outbox.EnqueueOnlySqliteApp app) : EventLogSuite<ContactHub.Tests.Outbox.EnqueueOnlySqliteApp>(app);

public sealed class EventLogOnPostgres(ContactHub.Tests.Outbox.EnqueueOnlyPostgresApp app) : EventLogSuite<ContactHub.Tests.Outbox.EnqueueOnlyPostgresApp>(app);
