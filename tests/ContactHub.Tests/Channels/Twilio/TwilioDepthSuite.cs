using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContactHub.Campaigns;
using ContactHub.Channels.Twilio;
using ContactHub.Data;
using ContactHub.Tests.Campaigns;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Channels.Twilio;

/// <summary>Campaigns, Twilio's fake and the real SMTP server, with survey settings: leads per agent and the public URL of the survey page.</summary>
public abstract class TwilioDepthApp(DatabaseProvider provider) : CampaignApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Csat:Leads:maria", "anna.lead"),
        new("Csat:DefaultLead", "supervisor"),
        new("Csat:PublicBaseUrl", PublicBaseUrl),
    ];
}

public sealed class TwilioDepthSqliteApp() : TwilioDepthApp(DatabaseProvider.Sqlite);

public sealed class TwilioDepthPostgresApp() : TwilioDepthApp(DatabaseProvider.Postgres);

public sealed class TwilioDepthOnSqlite(TwilioDepthSqliteApp app) : TwilioDepthSuite<TwilioDepthSqliteApp>(app);

public sealed class TwilioDepthOnPostgres(TwilioDepthPostgresApp app) : TwilioDepthSuite<TwilioDepthPostgresApp>(app);

/// <summary>WhatsApp templates and the 24-hour window, CSAT surveys, recordings, voicemail and transcriptions, end to end through the HTTP surface.</summary>
public abstract class TwilioDepthSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : TwilioDepthApp
{
    private HttpClient Api => App.Client();

    private static string Sid(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private static long Id(JsonNode node, string field) => node[field]!.GetValue<long>();

    private Task<JsonNode> Record(object body) => Api.PostOk("/api/v1/interactions", body, 201);

    private async Task Signed(string path, Dictionary<string, string> form, string? expectType = null)
    {
        var response = await App.PostSigned(path, form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
    }

    private async Task<FakeTwilio.Received> MessageTo(string phone, Func<FakeTwilio.Received, bool>? where = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = App.Twilio.Requests.LastOrDefault(r => r.Form.TryGetValue("To", out var to) && to.Any(t => t.EndsWith(phone, StringComparison.Ordinal)) && (where?.Invoke(r) ?? true));
            if (found is not null) return found;
            Assert.True(DateTime.UtcNow < deadline, $"Nothing was sent to {phone}.");
            await Task.Delay(50);
        }
    }

    private async Task PauseOtherCampaigns()
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        await connection.ExecuteAsync("UPDATE campaigns SET paused = 1");
    }

    private static string NewContentSid() => "HX" + Guid.NewGuid().ToString("N");

    private async Task<string> RegisterTemplate(string name, Dictionary<string, string> variables, string? preview = null)
    {
        var sid = NewContentSid();
        App.Twilio.Contents[sid] = variables.ToDictionary(v => v.Key, _ => "sample");
        await Api.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/message-templates/{name}")
        {
            Content = JsonContent.Create(new { channel = "whatsapp", contentSid = sid, variables, preview }),
        }).ContinueWith(t => t.Result.Expect(201)).Unwrap();
        return sid;
    }

    [SkippableFact]
    public async Task A_template_is_checked_at_twilio_and_every_variable_it_declares_must_be_mapped()
    {
        var unknown = await Api.PutAsJsonAsync("/api/v1/message-templates/unknown-at-twilio", new { channel = "whatsapp", contentSid = NewContentSid() });
        Assert.Equal(422, (int)unknown.StatusCode);
        Assert.Contains("contentSid", (await unknown.ReadJsonAsync())["errors"]!.AsObject().Select(e => e.Key));

        var sid = NewContentSid();
        App.Twilio.Contents[sid] = new() { ["1"] = "Ana", ["2"] = "ZX81QF" };
        var unmapped = await Api.PutAsJsonAsync("/api/v1/message-templates/half-mapped", new { channel = "whatsapp", contentSid = sid, variables = new Dictionary<string, string> { ["1"] = "{{ contact.name }}" } });
        Assert.Equal(422, (int)unmapped.StatusCode);
        Assert.Contains("{{2}}", (await unmapped.ReadJsonAsync())["errors"]!["variables"]![0]!.GetValue<string>());

        var bad = await Api.PutAsJsonAsync("/api/v1/message-templates/Bad Name", new { channel = "email", contentSid = "HX1", variables = new Dictionary<string, string> { ["1"] = "{{ unclosed" } });
        var errors = (await bad.Expect(400))["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains("name", errors);
        Assert.Contains("channel", errors);
        Assert.Contains("contentSid", errors);
        Assert.Contains("variables.1", errors);
    }

    [SkippableFact]
    public async Task Whatsapp_free_text_outside_the_window_is_refused_and_a_template_goes_with_its_sid_and_variables()
    {
        var name = "booking-" + Guid.NewGuid().ToString("N")[..8];
        var sid = await RegisterTemplate(name, new() { ["1"] = "{{ contact.name | default: 'there' }}", ["2"] = "{{ data.booking }}" },
            preview: "Hello {{ contact.name | default: 'there' }}, booking {{ data.booking }} is confirmed.");
        var phone = Customers.Phone();
        var call = await Record(new { channel = "call", direction = "inbound", customer = new { phone, name = "Ana Lima" } });
        var conversationId = Id(call, "conversationId");

        // Never wrote on WhatsApp: free text is refused up front, naming the field and the way out.
        var refused = await Api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { channel = "whatsapp", body = "Your booking is confirmed." });
        var problem = await refused.Expect(422);
        Assert.Contains("24-hour window", problem["errors"]!["body"]![0]!.GetValue<string>());
        Assert.Contains("contentTemplate", problem["detail"]!.GetValue<string>());

        // The template goes: ContentSid and the variables rendered, no Body; the preview is what the timeline shows.
        var queued = await Api.PostOk($"/api/v1/conversations/{conversationId}/messages",
            new { channel = "whatsapp", body = "Your booking is confirmed.", contentTemplate = name, data = new { booking = "ZX81QF" } }, 202);
        var sent = await MessageTo(phone, r => r.Form.ContainsKey("ContentSid"));
        Assert.Equal([sid], sent.Form["ContentSid"]);
        Assert.Equal(new Dictionary<string, string> { ["1"] = "Ana Lima", ["2"] = "ZX81QF" }, JsonSerializer.Deserialize<Dictionary<string, string>>(sent.Form["ContentVariables"].Single()));
        Assert.False(sent.Form.ContainsKey("Body"));
        Assert.Equal(["whatsapp:" + phone], sent.Form["To"]);
        var detail = await Api.GetOk($"/api/v1/conversations/{conversationId}");
        var outbound = detail["interactions"]!.AsArray().Single(i => Id(i!, "id") == Id(queued, "interactionId"))!;
        Assert.Equal("Hello Ana Lima, booking ZX81QF is confirmed.", outbound["body"]!.GetValue<string>());

        // They write on WhatsApp: inside the window the free text goes as it is.
        await Signed("/webhooks/twilio/messages", new() { ["MessageSid"] = Sid("SM"), ["From"] = "whatsapp:" + phone, ["To"] = "whatsapp:+14155238886", ["Body"] = "Thanks!" });
        await Api.PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "whatsapp", body = "You are welcome.", contentTemplate = name }, 202);
        var freeText = await MessageTo(phone, r => r.Form.TryGetValue("Body", out var b) && b.Contains("You are welcome."));
        Assert.False(freeText.Form.ContainsKey("ContentSid"));

        // An unknown template is named.
        var unknown = await Api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { channel = "whatsapp", contentTemplate = "no-such-template" });
        Assert.Contains("contentTemplate", (await unknown.Expect(422))["errors"]!.AsObject().Select(e => e.Key));
    }

    [SkippableFact]
    public async Task A_campaign_outside_the_window_uses_its_template()
    {
        await PauseOtherCampaigns();
        var name = "missed-" + Guid.NewGuid().ToString("N")[..8];
        var sid = await RegisterTemplate(name, new() { ["1"] = "{{ contact.name | default: 'there' }}" });
        var unknown = await Api.PostAsJsonAsync("/api/v1/campaigns", new { name = "x", trigger = "missed-call-not-returned", channel = "whatsapp", contentTemplate = "not-registered" });
        Assert.Contains("not-registered", (await unknown.Expect(400))["errors"]!["contentTemplate"]![0]!.GetValue<string>());
        var wrongChannel = await Api.PostAsJsonAsync("/api/v1/campaigns", new { name = "x", trigger = "missed-call-not-returned", channel = "sms", contentTemplate = name });
        Assert.Contains("whatsapp template", (await wrongChannel.Expect(400))["errors"]!["contentTemplate"]![0]!.GetValue<string>());
        await Api.PostOk("/api/v1/campaigns", new
        {
            name = "missed on whatsapp", trigger = "missed-call-not-returned", parameters = new { minutes = 0 }, channel = "whatsapp",
            body = "Sorry we missed you - write here.", contentTemplate = name,
        }, 201);
        var phone = Customers.Phone();
        await Record(new { channel = "call", direction = "inbound", status = "missed", customer = new { phone, name = "Rui" } });
        App.Clock.Advance(TimeSpan.FromSeconds(1));

        await App.Get<CampaignEvaluator>().RunAsync();

        var sent = await MessageTo(phone);
        Assert.Equal([sid], sent.Form["ContentSid"]);
        Assert.Equal("""{"1":"Rui"}""", sent.Form["ContentVariables"].Single());
    }

    private async Task<(long ConversationId, long CampaignId)> EndedAndSurveyed(string phone, string channel, string agent, string? contentTemplate = null, string? email = null)
    {
        await PauseOtherCampaigns();
        var campaign = await Api.PostOk("/api/v1/campaigns", new
        {
            name = $"csat {channel} {Guid.NewGuid():N}", trigger = "conversation-ended", action = "csat", channel, contentTemplate,
        }, 201);
        var chat = await Record(new { channel = "sms", direction = "inbound", customer = new { phone, email }, body = "Where is my refund?", agent });
        var conversationId = Id(chat, "conversationId");
        await Api.PostOk($"/api/v1/conversations/{conversationId}/end", new { });
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        await App.Get<CampaignEvaluator>().RunAsync();
        return (conversationId, Id(campaign, "id"));
    }

    private async Task<JsonNode> Survey(long conversationId)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        var row = await connection.QuerySingleAsync<CsatSurvey>(App.Get<Db>().Sql("""
            SELECT id, conversation_id, contact_id, campaign_id, channel, agent, interaction_id, sent_at, expires_at, score, answered_at, answer_interaction_id, follow_up_id
            FROM csat_surveys WHERE conversation_id = @conversationId
            """), new { conversationId });
        return JsonSerializer.SerializeToNode(row)!;
    }

    [SkippableFact]
    public async Task A_csat_reply_is_a_score_on_the_conversation_without_a_new_conversation_and_a_low_one_opens_a_task_for_the_lead()
    {
        var phone = Customers.Phone();
        var (conversationId, _) = await EndedAndSurveyed(phone, "sms", "maria");
        var question = await MessageTo(phone);
        Assert.Contains("1 (poor) to 5", question.Form["Body"].Single());
        var contactId = (await Api.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}"))["contact"]!["id"]!.GetValue<long>();
        var conversationsBefore = (await Api.GetOk($"/api/v1/contacts/{contactId}/conversations")).AsArray().Count;

        var reply = new Dictionary<string, string> { ["MessageSid"] = Sid("SM"), ["From"] = phone, ["To"] = "+15005550006", ["Body"] = " 2 " };
        await Signed("/webhooks/twilio/messages", reply);
        await Signed("/webhooks/twilio/messages", reply); // Twilio retries: recorded once

        var survey = await Survey(conversationId);
        Assert.Equal(2, survey["Score"]!.GetValue<long>());
        var detail = await Api.GetOk($"/api/v1/conversations/{conversationId}");
        Assert.Equal("ended", detail["conversation"]!["status"]!.GetValue<string>());
        Assert.Single(detail["interactions"]!.AsArray(), i => i!["direction"]!.GetValue<string>() == "inbound" && i["body"]!.GetValue<string>() == "2");
        Assert.Equal(conversationsBefore, (await Api.GetOk($"/api/v1/contacts/{contactId}/conversations")).AsArray().Count);

        var task = (await Api.GetOk($"/api/v1/follow-ups?contactId={contactId}")).AsArray().Single()!;
        Assert.Equal("anna.lead", task["assignedTo"]!.GetValue<string>());
        Assert.Contains("2/5", task["title"]!.GetValue<string>());
        Assert.Equal(Id(task, "id"), survey["FollowUpId"]!.GetValue<long>());

        // A later message that is not a score is an ordinary one: it starts or continues a conversation as always.
        await Signed("/webhooks/twilio/messages", new() { ["MessageSid"] = Sid("SM"), ["From"] = phone, ["To"] = "+15005550006", ["Body"] = "5" });
        Assert.Equal(2, (await Survey(conversationId))["Score"]!.GetValue<long>()); // answered already: the first score counts
    }

    [SkippableFact]
    public async Task A_survey_answered_by_text_after_a_chat_waits_for_no_reply_in_the_service_levels()
    {
        // The README's own set-up: CSAT after chats, by SMS. The "4" was the conversation's first inbound text, so the SMS first
        // response counted it as a customer waiting, unanswered for ever.
        await PauseOtherCampaigns();
        await Api.PostOk("/api/v1/campaigns", new { name = $"csat chats {Guid.NewGuid():N}", trigger = "conversation-ended", parameters = new { channels = new[] { "chat" } }, action = "csat", channel = "sms" }, 201);
        var phone = Customers.Phone();
        var chat = await Record(new { channel = "chat", direction = "inbound", customer = new { phone }, body = "Where is my refund?" });
        var conversationId = Id(chat, "conversationId");
        await Record(new { channel = "chat", direction = "outbound", conversationId, body = "It left on Monday.", agent = "maria" });
        await Api.PostOk($"/api/v1/conversations/{conversationId}/end", new { });
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        await App.Get<CampaignEvaluator>().RunAsync();
        await MessageTo(phone);
        var now = App.Clock.GetUtcNow();
        async Task<long> UnansweredTexts() => (await Api.GetOk($"/api/v1/service-levels?from={Uri.EscapeDataString(now.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(now.AddHours(1).ToString("O"))}"))
            ["levels"]!.AsArray().Single(l => l!["measure"]!.GetValue<string>() == "First response" && l["channel"]!.GetValue<string>() == "sms")!["unanswered"]!.GetValue<long>();
        var before = await UnansweredTexts();

        await Signed("/webhooks/twilio/messages", new() { ["MessageSid"] = Sid("SM"), ["From"] = phone, ["To"] = "+15005550006", ["Body"] = "4" });

        Assert.Equal(4, (await Survey(conversationId))["Score"]!.GetValue<long>());
        Assert.Equal(before, await UnansweredTexts());
    }

    [SkippableFact]
    public async Task A_whatsapp_button_answers_the_survey_and_a_good_score_opens_no_task()
    {
        var phone = Customers.Phone();
        await Record(new { channel = "whatsapp", direction = "inbound", customer = new { phone }, body = "hello" });
        var name = "csat-" + Guid.NewGuid().ToString("N")[..8];
        await RegisterTemplate(name, new() { ["1"] = "{{ conversation.agent | default: 'us' }}" });
        var (conversationId, _) = await EndedAndSurveyed(phone, "whatsapp", "joao", contentTemplate: name);
        var question = await MessageTo(phone);
        Assert.Contains("1 (poor) to 5", question.Form["Body"].Single()); // inside the window the question goes as text

        await Signed("/webhooks/twilio/messages", new()
        {
            ["MessageSid"] = Sid("SM"), ["From"] = "whatsapp:" + phone, ["To"] = "whatsapp:+14155238886", ["Body"] = "Excellent", ["ButtonPayload"] = "csat:5", ["ButtonText"] = "Excellent",
        });

        Assert.Equal(5, (await Survey(conversationId))["Score"]!.GetValue<long>());
        var contactId = (await Api.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}"))["contact"]!["id"]!.GetValue<long>();
        Assert.Empty((await Api.GetOk($"/api/v1/follow-ups?contactId={contactId}")).AsArray());
        JsonNode? rated = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); rated is null && DateTime.UtcNow < deadline; await Task.Delay(50)) // numbered by the sequencer on a server engine
            rated = (await Api.GetOk($"/api/v1/events?types=conversation.rated&contactId={contactId}"))["events"]!.AsArray().SingleOrDefault();
        Assert.NotNull(rated);
        Assert.Equal(5, rated["data"]!["score"]!.GetValue<int>());
    }

    [SkippableFact]
    public async Task An_email_survey_link_shows_the_choice_and_only_the_click_records_it()
    {
        var phone = Customers.Phone();
        var email = Customers.Email();
        var (conversationId, _) = await EndedAndSurveyed(phone, "email", "maria", email: email);
        await Maildir.WaitFor(email, 1, seconds: 10);
        var message = Maildir.To(email).Single();
        var link = System.Text.RegularExpressions.Regex.Match(message.TextBody ?? "", @"https://contacthub\.example\.com(?<path>/csat/\S+)\?score=4").Groups["path"].Value;
        Assert.NotEmpty(link);

        var page = await App.Anonymous().GetAsync(link + "?score=4");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("value=\"4\" checked", await page.Content.ReadAsStringAsync());
        Assert.Null((await Survey(conversationId))["Score"]); // opening the link (a mail scanner) answers nothing

        var answer = await App.Anonymous().PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string> { ["score"] = "4" }));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(4, (await Survey(conversationId))["Score"]!.GetValue<long>());

        var forged = await App.Anonymous().PostAsync("/csat/not-a-token", new FormUrlEncodedContent(new Dictionary<string, string> { ["score"] = "1" }));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);

        // A French customer's browser gets the page in French; a send without a score gets the choice again, not a dead end.
        using var french = new HttpRequestMessage(HttpMethod.Get, link + "?score=2");
        french.Headers.AcceptLanguage.ParseAdd("fr-FR,fr;q=0.9,en;q=0.5");
        var frenchPage = await (await App.Anonymous().SendAsync(french)).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"fr\">", frenchPage);
        Assert.Contains("Envoyer", frenchPage);
        var empty = await App.Anonymous().PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("name=\"score\"", await empty.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task A_recording_is_attached_to_its_call_and_plays_through_a_signed_link_only()
    {
        var phone = Customers.Phone();
        var callSid = Sid("CA");
        var recordingSid = Sid("RE");
        var audio = "ID3 fake mp3 audio "u8.ToArray();
        App.Twilio.Recordings[recordingSid] = audio;
        await Signed("/webhooks/twilio/voice", new() { ["CallSid"] = callSid, ["CallStatus"] = "completed", ["Direction"] = "inbound", ["From"] = phone, ["To"] = "+15005550006", ["CallDuration"] = "42" });
        await Signed("/webhooks/twilio/recording", new()
        {
            ["AccountSid"] = FakeTwilio.AccountSid, ["CallSid"] = callSid, ["RecordingSid"] = recordingSid, ["RecordingStatus"] = "completed", ["RecordingDuration"] = "40",
            ["RecordingUrl"] = $"https://api.twilio.com/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Recordings/{recordingSid}", ["RecordingSource"] = "DialVerb",
        });

        var contactId = (await Api.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}"))["contact"]!["id"]!.GetValue<long>();
        var call = (await Api.GetOk($"/api/v1/contacts/{contactId}/activities"))["items"]!.AsArray().Single()!;
        var recording = (await Api.GetOk($"/api/v1/interactions/{Id(call, "id")}/recordings")).AsArray().Single()!;
        Assert.Equal(40, recording["durationSeconds"]!.GetValue<long>());
        var playUrl = recording["playUrl"]!.GetValue<string>();
        Assert.DoesNotContain("twilio", playUrl);

        var played = await App.Anonymous().GetAsync(playUrl);
        Assert.Equal(HttpStatusCode.OK, played.StatusCode);
        Assert.Equal("audio/mpeg", played.Content.Headers.ContentType?.MediaType);
        Assert.Equal(audio, await played.Content.ReadAsByteArrayAsync());

        var id = Id(recording, "id");
        Assert.Equal(HttpStatusCode.Forbidden, (await App.Anonymous().GetAsync($"/recordings/{id}/audio")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.Anonymous().GetAsync($"/recordings/{id}/audio?token=forged")).StatusCode);
        var token = playUrl[(playUrl.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        Assert.Equal(HttpStatusCode.Forbidden, (await App.Anonymous().GetAsync($"/recordings/{id + 1}/audio?token={token}")).StatusCode); // another recording
        Assert.Equal(404, (int)(await Api.GetAsync("/api/v1/interactions/999999999/recordings")).StatusCode);
    }

    [SkippableFact]
    public async Task A_voicemail_is_missed_for_the_campaign_its_transcription_is_searchable_and_erasure_deletes_it_at_twilio()
    {
        await PauseOtherCampaigns();
        var campaign = Id(await Api.PostOk("/api/v1/campaigns", new
        {
            name = "call back voicemail", trigger = "missed-call-not-returned", parameters = new { minutes = 0 }, channel = "sms", body = "We got your message and will call back.",
        }, 201), "id");
        var phone = Customers.Phone();
        var callSid = Sid("CA");
        var recordingSid = Sid("RE");
        App.Twilio.Recordings[recordingSid] = "voicemail audio"u8.ToArray();

        var twiml = await App.PostSigned("/webhooks/twilio/voicemail", new Dictionary<string, string> { ["CallSid"] = callSid, ["From"] = phone, ["To"] = "+15005550006", ["CallStatus"] = "in-progress", ["Direction"] = "inbound" });
        var text = await twiml.Content.ReadAsStringAsync();
        Assert.Equal("text/xml", twiml.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<Record ", text);
        Assert.Contains($"recordingStatusCallback=\"{TwilioApp.PublicBaseUrl}/webhooks/twilio/recording?kind=voicemail\"", text);
        Assert.Contains($"transcribeCallback=\"{TwilioApp.PublicBaseUrl}/webhooks/twilio/transcription\"", text);
        // Twilio's own end-of-call callback comes after: the call stays a voicemail.
        await Signed("/webhooks/twilio/voice", new() { ["CallSid"] = callSid, ["CallStatus"] = "completed", ["Direction"] = "inbound", ["From"] = phone, ["To"] = "+15005550006", ["CallDuration"] = "30" });
        await Signed("/webhooks/twilio/transcription", new()
        {
            ["CallSid"] = callSid, ["RecordingSid"] = recordingSid, ["TranscriptionSid"] = Sid("TR"), ["TranscriptionStatus"] = "completed",
            ["TranscriptionText"] = "Hello this is about my lost suitcase from flight AF1234 please call me back",
        });
        await Signed("/webhooks/twilio/recording?kind=voicemail", new() { ["CallSid"] = callSid, ["RecordingSid"] = recordingSid, ["RecordingStatus"] = "completed", ["RecordingDuration"] = "28" });

        var contactId = (await Api.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}"))["contact"]!["id"]!.GetValue<long>();
        var call = (await Api.GetOk($"/api/v1/contacts/{contactId}/activities"))["items"]!.AsArray().Single()!;
        Assert.Equal("voicemail", call["status"]!.GetValue<string>());
        var recording = (await Api.GetOk($"/api/v1/interactions/{Id(call, "id")}/recordings")).AsArray().Single()!;
        Assert.True(recording["voicemail"]!.GetValue<bool>());
        Assert.Contains("lost suitcase", recording["transcription"]!.GetValue<string>());

        App.Clock.Advance(TimeSpan.FromSeconds(1));
        await App.Get<CampaignEvaluator>().RunAsync();
        Assert.Contains("We got your message", (await MessageTo(phone)).Form["Body"].Single());
        Assert.Single((await Api.GetOk($"/api/v1/campaigns/{campaign}/sends")).AsArray());

        var export = await Api.GetOk($"/api/v1/contacts/{contactId}/export");
        Assert.Contains("lost suitcase", export["recordings"]!.AsArray().Single()!["transcription_text"]!.GetValue<string>());
        var found = (await Api.GetOk("/api/v1/contacts?q=" + Uri.EscapeDataString("LOST SUITCASE"))).AsArray();
        Assert.Contains(found, c => Id(c!, "id") == contactId);

        (await Api.DeleteAsync($"/api/v1/contacts/{contactId}")).EnsureSuccessStatusCode();
        Assert.Empty((await Api.GetOk($"/api/v1/interactions/{Id(call, "id")}/recordings")).AsArray());
        Assert.DoesNotContain((await Api.GetOk("/api/v1/contacts?q=" + Uri.EscapeDataString("lost suitcase"))).AsArray(), c => Id(c!, "id") == contactId);
        // Twilio refuses once (this app's clock is frozen, so a 5xx would wait on the HTTP retry's backoff): the deletion is kept and tried again.
        App.Twilio.Enqueue(403, FakeTwilio.Error(20403, "Forbidden", 403));
        Assert.Equal(0, await App.Get<TwilioRecordingJob>().RunAsync());
        App.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await App.Get<TwilioRecordingJob>().RunAsync());
        Assert.Contains(recordingSid, App.Twilio.DeletedRecordings);
        Assert.False(App.Twilio.Recordings.ContainsKey(recordingSid));
    }
}
