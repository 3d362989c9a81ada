using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Channels.Twilio;

public abstract class TwilioWebhookSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : TwilioApp
{
    private static string Sid(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private async Task<JsonNode> Ok(string path, Dictionary<string, string> form)
    {
        var response = await App.PostSigned(path, form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        if (path.EndsWith("/messages", StringComparison.Ordinal) || path.EndsWith("/voice", StringComparison.Ordinal))
        {
            Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<Response/>", text);
        }
        return new JsonObject();
    }

    private async Task<JsonNode> Lookup(string phone) => await App.Client().GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}");

    private async Task<List<JsonNode>> Timeline(long contactId) =>
        (await App.Client().GetOk($"/api/v1/contacts/{contactId}/activities?limit=200"))["items"]!.AsArray().Select(a => a!).ToList();

    private static Dictionary<string, string> Sms(string from, string body, string? sid = null) => new()
    {
        ["MessageSid"] = sid ?? Sid("SM"), ["AccountSid"] = FakeTwilio.AccountSid, ["From"] = from, ["To"] = "+15005550006", ["Body"] = body, ["NumMedia"] = "0",
    };

    private static Dictionary<string, string> Call(string sid, string status, string from, string direction = "inbound", string? duration = null)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = sid, ["AccountSid"] = FakeTwilio.AccountSid, ["CallStatus"] = status, ["Direction"] = direction,
            ["From"] = direction == "inbound" ? from : "+15005550006", ["To"] = direction == "inbound" ? "+15005550006" : from,
        };
        if (duration is not null) form["CallDuration"] = duration;
        return form;
    }

    [SkippableFact]
    public async Task A_whatsapp_message_then_a_call_then_an_sms_from_one_number_are_one_contact()
    {
        var phone = Customers.Phone();
        var mediaUrl = $"https://api.twilio.com/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Messages/MM1/Media/ME1";
        await Ok("/webhooks/twilio/messages", new Dictionary<string, string>
        {
            ["MessageSid"] = Sid("SM"), ["From"] = "whatsapp:" + phone, ["To"] = "whatsapp:+14155238886", ["Body"] = "Photo of my boarding pass",
            ["NumMedia"] = "1", ["MediaUrl0"] = mediaUrl, ["MediaContentType0"] = "image/jpeg", ["ProfileName"] = "Joana", ["WaId"] = phone.TrimStart('+'),
        });
        await Ok("/webhooks/twilio/voice", Call(Sid("CA"), "completed", phone, duration: "61"));
        await Ok("/webhooks/twilio/messages", Sms(phone, "thanks!"));

        var pop = await Lookup(phone);
        var contactId = pop["contact"]!["id"]!.GetValue<long>();
        var timeline = await Timeline(contactId);
        Assert.Equal("Joana", pop["contact"]!["name"]!.GetValue<string>());
        // The call started 61 s before its completion callback: the timeline orders by when things happened.
        Assert.Equal(["call", "sms", "whatsapp"], timeline.Select(a => a["channel"]!.GetValue<string>()).Order());
        Assert.Single(timeline.Select(a => a["conversationId"]!.GetValue<long>()).Distinct());
        var conversation = await App.Client().GetOk($"/api/v1/conversations/{timeline[0]["conversationId"]}");
        var whatsapp = conversation["interactions"]!.AsArray().Single(i => i!["channel"]!.GetValue<string>() == "whatsapp")!;
        Assert.Contains(mediaUrl, whatsapp["metadata"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_ringing_then_in_progress_then_completed_call_is_one_interaction_with_its_duration()
    {
        var (phone, sid) = (Customers.Phone(), Sid("CA"));
        await Ok("/webhooks/twilio/voice", Call(sid, "ringing", phone));
        await Ok("/webhooks/twilio/voice", Call(sid, "in-progress", phone));
        await Ok("/webhooks/twilio/voice", Call(sid, "completed", phone, duration: "185"));
        await Ok("/webhooks/twilio/voice", Call(sid, "ringing", phone)); // a late, retried callback does not move it back

        var call = (await Timeline((await Lookup(phone))["contact"]!["id"]!.GetValue<long>())).Single();
        Assert.Equal("completed", call["status"]!.GetValue<string>());
        Assert.Equal(185, call["durationSeconds"]!.GetValue<long>());
        Assert.NotNull(call["endedAt"]);
    }

    /// <summary>The <Dial> leg that rings an agent, as its status callbacks carry it: a call of its own, dialled by the customer's call.</summary>
    private static Dictionary<string, string> Leg(string parentSid, string legSid, string status, string agent, string customer) => new()
    {
        ["CallSid"] = legSid, ["ParentCallSid"] = parentSid, ["AccountSid"] = FakeTwilio.AccountSid, ["CallStatus"] = status, ["Direction"] = "outbound-dial",
        ["From"] = customer, ["To"] = agent, ["CallbackSource"] = "call-progress-events",
    };

    /// <summary>This period's speed of answer (or another call measure): calls counted, and those never answered.</summary>
    private async Task<(long Count, long Unanswered)> SpeedOfAnswer(string measure = "Speed of answer")
    {
        var now = DateTimeOffset.UtcNow;
        var level = (await App.Client().GetOk($"/api/v1/service-levels?from={Uri.EscapeDataString(now.AddHours(-2).ToString("O"))}&to={Uri.EscapeDataString(now.AddHours(1).ToString("O"))}"))
            ["levels"]!.AsArray().Single(l => l!["measure"]!.GetValue<string>() == measure)!;
        return (level["count"]!.GetValue<long>(), level["unanswered"]!.GetValue<long>());
    }

    private async Task<List<string>> StatusChanges(long interactionId)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        return (await connection.QueryAsync<string>("SELECT data FROM events WHERE interaction_id = @interactionId AND type = 'interaction.status-changed' ORDER BY id",
            new { interactionId })).ToList();
    }

    [SkippableFact]
    public async Task The_leg_that_rings_an_agent_answers_the_customers_call_and_is_no_call_of_its_own()
    {
        // Both pointed at /voice: the number's ring and end, and the <Dial> noun's statusCallback. The agent's leg was recorded as an
        // outbound call to the agent's phone, a contact of its own, and the customer's call was never answered.
        var (phone, agentPhone, parent, leg) = (Customers.Phone(), Customers.Phone(), Sid("CA"), Sid("CA"));
        var before = await SpeedOfAnswer();
        await Ok("/webhooks/twilio/voice", Call(parent, "ringing", phone));
        // The <Dial> rings two agents at once: one on their mobile, who does not pick up, and one on a SIP phone, who does.
        var mobile = Sid("CA");
        foreach (var status in new[] { "initiated", "ringing" })
        {
            await Ok("/webhooks/twilio/voice", Leg(parent, mobile, status, agentPhone, phone));
            await Ok("/webhooks/twilio/voice", Leg(parent, leg, status, "sip:tom@centre.sip.twilio.com", phone));
        }
        await Ok("/webhooks/twilio/voice", Leg(parent, leg, "in-progress", "sip:tom@centre.sip.twilio.com;transport=tls", phone));
        await Ok("/webhooks/twilio/voice", Leg(parent, mobile, "canceled", agentPhone, phone));
        var legEnded = Leg(parent, leg, "completed", "sip:tom@centre.sip.twilio.com", phone);
        legEnded["CallDuration"] = "58";
        await Ok("/webhooks/twilio/voice", legEnded);
        await Ok("/webhooks/twilio/voice", Call(parent, "completed", phone, duration: "64"));

        Assert.Equal(HttpStatusCode.NotFound, (await App.Client().GetAsync($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(agentPhone)}")).StatusCode);
        var call = (await Timeline((await Lookup(phone))["contact"]!["id"]!.GetValue<long>())).Single();
        Assert.Equal("tom", call["agent"]!.GetValue<string>());
        Assert.Equal("tom", (await App.Client().GetOk($"/api/v1/conversations/{call["conversationId"]}"))["conversation"]!["agent"]!.GetValue<string>());
        Assert.Equal(("inbound", "completed", 64L), (call["direction"]!.GetValue<string>(), call["status"]!.GetValue<string>(), call["durationSeconds"]!.GetValue<long>()));
        var changes = await StatusChanges(call["id"]!.GetValue<long>());
        Assert.Contains(changes, c => c.Contains("\"status\":\"in-progress\"", StringComparison.Ordinal) && c.Contains("\"previousStatus\":\"ringing\"", StringComparison.Ordinal));
        Assert.Equal((before.Count + 1, before.Unanswered), await SpeedOfAnswer());
    }

    [SkippableFact]
    public async Task A_call_that_reports_only_its_end_is_taken_from_twilio_when_its_agent_answers_and_counts_in_the_speed_of_answer()
    {
        // The usual set-up: the number's "A call comes in" runs the centre's own flow, its "Call status changes" reports the end, and the
        // flow's <Dial><Client statusCallbackEvent="answered" statusCallback=".../agent-leg"> rings the agents.
        var (phone, parent, leg) = (Customers.Phone(), Sid("CA"), Sid("CA"));
        var started = DateTimeOffset.UtcNow.AddSeconds(-20);
        App.Twilio.Calls[parent] = new FakeTwilio.Call(phone, "+15005550006", "inbound", started);
        var before = await SpeedOfAnswer();

        await Ok("/webhooks/twilio/agent-leg", Leg(parent, leg, "in-progress", "client:maria", phone));
        await Ok("/webhooks/twilio/agent-leg", Leg(parent, leg, "in-progress", "client:maria", phone)); // retried: answered once
        await Ok("/webhooks/twilio/agent-leg", Leg(parent, leg, "completed", "client:maria", phone));
        await Ok("/webhooks/twilio/voice", Call(parent, "completed", phone, duration: "95"));

        var call = (await Timeline((await Lookup(phone))["contact"]!["id"]!.GetValue<long>())).Single();
        Assert.Equal(("inbound", "completed", "maria"), (call["direction"]!.GetValue<string>(), call["status"]!.GetValue<string>(), call["agent"]!.GetValue<string>()));
        Assert.Equal("maria", (await App.Client().GetOk($"/api/v1/conversations/{call["conversationId"]}"))["conversation"]!["agent"]!.GetValue<string>());
        Assert.Equal(started.ToUnixTimeSeconds(), call["occurredAt"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds());
        var answered = (await StatusChanges(call["id"]!.GetValue<long>())).Where(c => c.Contains("\"status\":\"in-progress\"", StringComparison.Ordinal)).ToList();
        Assert.Contains("\"previousStatus\":\"queued\"", Assert.Single(answered), StringComparison.Ordinal);
        Assert.Equal((before.Count + 1, before.Unanswered), await SpeedOfAnswer());
        Assert.Single(App.Twilio.Requests, r => r.Path.ToString().EndsWith($"/Calls/{parent}.json", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_call_that_rang_its_agents_and_ended_with_none_answering_is_missed_though_twilio_says_completed()
    {
        // The flow answered the call (TwiML), so Twilio reports it "completed" however it ended: the customer who hung up while
        // the agents rang was recorded as a completed call, never called back by a missed-call campaign.
        var (phone, parent, leg) = (Customers.Phone(), Sid("CA"), Sid("CA"));
        App.Twilio.Calls[parent] = new FakeTwilio.Call(phone, "+15005550006", "inbound", DateTimeOffset.UtcNow.AddSeconds(-45));
        var before = await SpeedOfAnswer("Missed-call callback");

        await Ok("/webhooks/twilio/agent-leg", Leg(parent, leg, "initiated", "client:maria", phone));
        await Ok("/webhooks/twilio/agent-leg", Leg(parent, leg, "canceled", "client:maria", phone));
        await Ok("/webhooks/twilio/voice", Call(parent, "completed", phone, duration: "45"));

        var call = (await Timeline((await Lookup(phone))["contact"]!["id"]!.GetValue<long>())).Single();
        Assert.Equal(("inbound", "missed"), (call["direction"]!.GetValue<string>(), call["status"]!.GetValue<string>()));
        Assert.Equal((before.Count + 1, before.Unanswered + 1), await SpeedOfAnswer("Missed-call callback")); // a customer to call back

        // Answered, the same call is completed.
        var (answeredPhone, answered, answeredLeg) = (Customers.Phone(), Sid("CA"), Sid("CA"));
        App.Twilio.Calls[answered] = new FakeTwilio.Call(answeredPhone, "+15005550006", "inbound", DateTimeOffset.UtcNow.AddSeconds(-45));
        await Ok("/webhooks/twilio/agent-leg", Leg(answered, answeredLeg, "initiated", "client:maria", answeredPhone));
        await Ok("/webhooks/twilio/agent-leg", Leg(answered, answeredLeg, "in-progress", "client:maria", answeredPhone));
        await Ok("/webhooks/twilio/voice", Call(answered, "completed", answeredPhone, duration: "45"));
        Assert.Equal("completed", (await Timeline((await Lookup(answeredPhone))["contact"]!["id"]!.GetValue<long>())).Single()["status"]!.GetValue<string>());

        // A ring reported on the number says nothing of agents (a flow that forwards it may answer the call without telling us): it stays completed.
        var (reportedPhone, reported) = (Customers.Phone(), Sid("CA"));
        await Ok("/webhooks/twilio/voice", Call(reported, "ringing", reportedPhone));
        await Ok("/webhooks/twilio/voice", Call(reported, "completed", reportedPhone, duration: "45"));
        Assert.Equal("completed", (await Timeline((await Lookup(reportedPhone))["contact"]!["id"]!.GetValue<long>())).Single()["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task An_agent_leg_without_its_customers_call_is_refused_naming_parent_call_sid_and_records_nothing()
    {
        var phone = Customers.Phone();
        var cases = new (Dictionary<string, string> Form, string Field)[]
        {
            (new() { ["CallSid"] = Sid("CA"), ["CallStatus"] = "in-progress", ["Direction"] = "outbound-dial", ["From"] = phone, ["To"] = "client:maria" }, "ParentCallSid"),
            (Leg(Sid("CA"), Sid("CA"), "in-progress", "client:maria", phone), "ParentCallSid"), // Twilio knows no such call
            (Leg(Sid("CA"), Sid("CA"), "picked-up", "client:maria", phone), "CallStatus"),
        };
        var softphone = Sid("CA"); // an agent's softphone calling out: its call is no customer's
        App.Twilio.Calls[softphone] = new FakeTwilio.Call("client:maria", phone, "inbound", DateTimeOffset.UtcNow);
        cases = [.. cases, (Leg(softphone, Sid("CA"), "in-progress", phone, "client:maria"), "ParentCallSid")];
        foreach (var (form, field) in cases)
        {
            var problem = await (await App.PostSigned("/webhooks/twilio/agent-leg", form)).Expect(400);
            Assert.True(problem["errors"]?[field] is not null, $"expected an error for {field}: {problem.ToJsonString()}");
        }
        // Twilio refusing to show the call (a revoked key, say): a problem Twilio's debugger shows, no 500, nothing recorded.
        var refused = Sid("CA");
        App.Twilio.Calls[refused] = new FakeTwilio.Call(phone, "+15005550006", "inbound", DateTimeOffset.UtcNow);
        App.Twilio.EnqueueFor(refused, 403, FakeTwilio.Error(20003, "Permission Denied", 403));
        var problem503 = await (await App.PostSigned("/webhooks/twilio/agent-leg", Leg(refused, Sid("CA"), "in-progress", "client:maria", phone))).Expect(503);
        Assert.Contains("403", problem503["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Client().GetAsync($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}")).StatusCode);
        Assert.Empty(App.Logs.Errors);
    }

    [SkippableFact]
    public async Task An_unanswered_inbound_call_is_a_missed_call_but_an_unanswered_outbound_one_is_not()
    {
        var (inbound, outbound) = (Customers.Phone(), Customers.Phone());
        await Ok("/webhooks/twilio/voice", Call(Sid("CA"), "no-answer", inbound));
        await Ok("/webhooks/twilio/voice", Call(Sid("CA"), "no-answer", outbound, direction: "outbound-api"));

        var missed = (await Timeline((await Lookup(inbound))["contact"]!["id"]!.GetValue<long>())).Single();
        var notMissed = (await Timeline((await Lookup(outbound))["contact"]!["id"]!.GetValue<long>())).Single();
        Assert.Equal("missed", missed["status"]!.GetValue<string>());
        Assert.Equal("inbound", missed["direction"]!.GetValue<string>());
        Assert.Equal("no-answer", notMissed["status"]!.GetValue<string>());
        Assert.Equal("outbound", notMissed["direction"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Stop_then_start_flips_consent_and_both_messages_are_recorded()
    {
        var phone = Customers.Phone();
        await Ok("/webhooks/twilio/messages", Sms(phone, "  stop "));
        var contactId = (await Lookup(phone))["contact"]!["id"]!.GetValue<long>();
        var afterStop = await App.Client().GetOk($"/api/v1/contacts/{contactId}/consents");
        await Ok("/webhooks/twilio/messages", Sms(phone, "START"));
        var afterStart = await App.Client().GetOk($"/api/v1/contacts/{contactId}/consents");
        await Ok("/webhooks/twilio/messages", Sms(phone, "Stop sending me those offers please")); // not a keyword

        Assert.Equal("opted_out", afterStop.AsArray().Single()!["status"]!.GetValue<string>());
        Assert.Equal("opted_in", afterStart.AsArray().Single()!["status"]!.GetValue<string>());
        Assert.Equal("opted_in", (await App.Client().GetOk($"/api/v1/contacts/{contactId}/consents")).AsArray().Single()!["status"]!.GetValue<string>());
        Assert.Equal(3, (await Timeline(contactId)).Count);
    }

    [SkippableFact]
    public async Task Twilios_opt_out_type_is_honoured_on_whatsapp()
    {
        var phone = Customers.Phone();
        var form = Sms("whatsapp:" + phone, "Arrêt");
        form["OptOutType"] = "STOP";
        await Ok("/webhooks/twilio/messages", form);

        var contactId = (await Lookup(phone))["contact"]!["id"]!.GetValue<long>();
        var consent = (await App.Client().GetOk($"/api/v1/contacts/{contactId}/consents")).AsArray().Single()!;
        Assert.Equal(("whatsapp", "opted_out"), (consent["channel"]!.GetValue<string>(), consent["status"]!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task A_retried_delivery_of_one_message_is_recorded_once()
    {
        var (phone, sid) = (Customers.Phone(), Sid("SM"));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Ok("/webhooks/twilio/messages", Sms(phone, "hello", sid))));

        await using var connection = await App.Get<Db>().OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE provider = 'twilio' AND provider_ref = @sid", new { sid }));
    }

    [SkippableFact]
    public async Task Delivery_callbacks_move_the_outbound_message_on_and_keep_the_error()
    {
        var (phone, delivered, failed) = (Customers.Phone(), Sid("SM"), Sid("SM"));
        foreach (var sid in new[] { delivered, failed })
            await App.Client().PostOk("/api/v1/interactions", new { channel = "sms", direction = "outbound", customer = new { phone }, body = "Your code", provider = "twilio", providerRef = sid, status = "queued" }, 201);

        await Ok("/webhooks/twilio/message-status", new() { ["MessageSid"] = delivered, ["MessageStatus"] = "delivered" });
        await Ok("/webhooks/twilio/message-status", new() { ["MessageSid"] = delivered, ["MessageStatus"] = "sent" }); // late
        await Ok("/webhooks/twilio/message-status", new() { ["MessageSid"] = failed, ["MessageStatus"] = "undelivered", ["ErrorCode"] = "30007" });
        await Ok("/webhooks/twilio/message-status", new() { ["MessageSid"] = Sid("SM"), ["MessageStatus"] = "sent" }); // not ours: acknowledged

        var timeline = await Timeline((await Lookup(phone))["contact"]!["id"]!.GetValue<long>());
        var byRef = timeline.ToDictionary(a => a["providerRef"]!.GetValue<string>());
        Assert.Equal("delivered", byRef[delivered]["status"]!.GetValue<string>());
        Assert.Equal("undelivered", byRef[failed]["status"]!.GetValue<string>());
        Assert.Contains("30007", byRef[failed]["error"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Unsigned_or_wrongly_signed_webhooks_are_403_and_record_nothing()
    {
        var phone = Customers.Phone();
        var form = Sms(phone, "hi");
        var unsigned = await App.Anonymous().PostAsync("/webhooks/twilio/messages", new FormUrlEncodedContent(form));
        var wrong = await App.PostSigned("/webhooks/twilio/messages", form, signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        var otherUrl = await App.PostSigned("/webhooks/twilio/messages", form,
            signature: TwilioSigner.Sign(FakeTwilio.AuthToken, "https://evil.example.com/webhooks/twilio/messages", form));

        Assert.All(new[] { unsigned, wrong, otherUrl }, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal("application/problem+json", unsigned.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Client().GetAsync($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}")).StatusCode);
    }

    [SkippableFact]
    public async Task Bad_twilio_forms_are_400_naming_the_field_and_record_nothing()
    {
        var phone = Customers.Phone();
        var cases = new (Dictionary<string, string> Form, string Path, string Field)[]
        {
            (new() { ["From"] = phone, ["Body"] = "no sid" }, "/webhooks/twilio/messages", "MessageSid"),
            (new() { ["MessageSid"] = Sid("SM"), ["Body"] = "no from" }, "/webhooks/twilio/messages", "From"),
            (new() { ["MessageSid"] = Sid("SM"), ["From"] = "+1", ["Body"] = "bad from" }, "/webhooks/twilio/messages", "From"),
            (new() { ["MessageSid"] = Sid("SM"), ["MessageStatus"] = "teleported" }, "/webhooks/twilio/message-status", "MessageStatus"),
            (new() { ["MessageSid"] = Sid("SM"), ["MessageStatus"] = "failed", ["ErrorCode"] = "abc" }, "/webhooks/twilio/message-status", "ErrorCode"),
            (Call(Sid("CA"), "exploded", phone), "/webhooks/twilio/voice", "CallStatus"),
            (Call(Sid("CA"), "completed", phone, duration: "long"), "/webhooks/twilio/voice", "CallDuration"),
            (new() { ["CallStatus"] = "ringing", ["From"] = phone }, "/webhooks/twilio/voice", "CallSid"),
            (new() { ["CallSid"] = Sid("CA") }, "/webhooks/twilio/voicemail", "From"),
            (new() { ["CallSid"] = Sid("CA"), ["From"] = "+1" }, "/webhooks/twilio/voicemail", "From"),
            (new() { ["CallSid"] = Sid("CA"), ["RecordingSid"] = "XX1", ["RecordingStatus"] = "completed" }, "/webhooks/twilio/recording", "RecordingSid"),
            (new() { ["CallSid"] = Sid("CA"), ["RecordingSid"] = Sid("RE"), ["RecordingStatus"] = "lost" }, "/webhooks/twilio/recording", "RecordingStatus"),
            (new() { ["CallSid"] = Sid("CA"), ["RecordingSid"] = Sid("RE"), ["RecordingDuration"] = "-3" }, "/webhooks/twilio/recording", "RecordingDuration"),
            (new() { ["RecordingSid"] = Sid("RE"), ["RecordingStatus"] = "completed" }, "/webhooks/twilio/recording", "CallSid"),
            (new() { ["RecordingSid"] = Sid("RE"), ["TranscriptionStatus"] = "maybe" }, "/webhooks/twilio/transcription", "TranscriptionStatus"),
            (new() { ["TranscriptionStatus"] = "completed" }, "/webhooks/twilio/transcription", "RecordingSid"),
        };
        foreach (var (form, path, field) in cases)
        {
            var problem = await (await App.PostSigned(path, form)).Expect(400);
            Assert.True(problem["errors"]?[field] is not null, $"{path}: expected an error for {field}: {problem.ToJsonString()}");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await App.Client().GetAsync($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}")).StatusCode);
        Assert.Empty(App.Logs.Errors);
    }
}

public sealed class TwilioWebhooksOnSqlite(TwilioSqliteApp app) : TwilioWebhookSuite<TwilioSqliteApp>(app);

public sealed class TwilioWebhooksOnPostgres(TwilioPostgresApp app) : TwilioWebhookSuite<TwilioPostgresApp>(app);

public sealed class TwilioWebhooksOnSqlServer(TwilioSqlServerApp app) : TwilioWebhookSuite<TwilioSqlServerApp>(app);

/// <summary>A centre that must not keep audio: recordings are acknowledged and forgotten, voicemail takes no message.</summary>
public sealed class TwilioRecordingsOffApp() : TwilioApp(DatabaseProvider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [.. base.Settings, new("Twilio:Recordings:Enabled", "false")];
}

public sealed class TwilioRecordingsOffTests(TwilioRecordingsOffApp app) : IClassFixture<TwilioRecordingsOffApp>
{
    [Fact]
    public async Task Recording_and_transcription_callbacks_are_acknowledged_and_nothing_is_kept()
    {
        var (phone, callSid, recordingSid) = (Customers.Phone(), "CA" + Guid.NewGuid().ToString("N"), "RE" + Guid.NewGuid().ToString("N"));
        var twiml = await app.PostSigned("/webhooks/twilio/voicemail", new Dictionary<string, string> { ["CallSid"] = callSid, ["From"] = phone });
        var text = await twiml.Content.ReadAsStringAsync();
        Assert.Contains("<Hangup/>", text);
        Assert.DoesNotContain("<Record", text);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostSigned("/webhooks/twilio/recording", new Dictionary<string, string>
            { ["CallSid"] = callSid, ["RecordingSid"] = recordingSid, ["RecordingStatus"] = "completed" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.PostSigned("/webhooks/twilio/transcription", new Dictionary<string, string>
            { ["CallSid"] = callSid, ["RecordingSid"] = recordingSid, ["TranscriptionStatus"] = "completed", ["TranscriptionText"] = "secret words" })).StatusCode);

        await using var connection = await app.Get<Db>().OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM recordings WHERE call_sid = @callSid", new { callSid }));
        var contactId = (await app.Client().GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}"))["contact"]!["id"]!.GetValue<long>();
        var call = (await app.Client().GetOk($"/api/v1/contacts/{contactId}/activities"))["items"]!.AsArray().Single()!;
        Assert.Equal("voicemail", call["status"]!.GetValue<string>()); // still a missed call to return
    }
}
