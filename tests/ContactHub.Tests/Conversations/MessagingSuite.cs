using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Conversations;

/// <summary>The seed's stories with real delivery: email through the SMTP server, SMS and WhatsApp through Twilio's fake.</summary>
public abstract class MessagingSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : MessagingApp
{
    private HttpClient Api => App.Client();

    private static long Id(JsonNode node, string field) => node[field]!.GetValue<long>();

    private async Task<JsonNode> Record(object body) => await Api.PostOk("/api/v1/interactions", body, 201);

    /// <summary>Waits until the dispatcher has settled the interaction (sent, failed, …).</summary>
    private async Task<JsonNode> WaitForInteraction(long conversationId, long interactionId, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var detail = await Api.GetOk($"/api/v1/conversations/{conversationId}");
            var interaction = detail["interactions"]!.AsArray().Single(i => Id(i!, "id") == interactionId)!;
            if (statuses.Contains(interaction["status"]!.GetValue<string>()) || DateTime.UtcNow > deadline) return interaction;
            await Task.Delay(50);
        }
    }

    private List<FakeTwilio.Received> TwilioRequestsTo(string phone) =>
        App.Twilio.Requests.Where(r => r.Form["To"].Any(t => t.EndsWith(phone, StringComparison.Ordinal))).ToList();

    [SkippableFact]
    public async Task During_a_call_the_agent_emails_the_updated_booking_and_it_threads_with_the_customers_email()
    {
        var (phone, email) = (Customers.Phone(), Customers.Email());
        var customerMessageId = $"{Guid.NewGuid():N}@customer.example";
        var mail = await Record(new { channel = "email", direction = "inbound", customer = new { email, phone, name = "Ana Lima" }, subject = "Change my flight", provider = "imap", providerRef = customerMessageId });
        await Record(new { channel = "call", direction = "inbound", customer = new { phone }, agent = "maria", status = "in-progress" });
        var conversationId = Id(mail, "conversationId");

        var queued = await Api.PostOk($"/api/v1/conversations/{conversationId}/messages", new
        {
            channel = "email", template = "booking-update", agent = "maria",
            data = new { booking = new { reference = "ZX81QF", flight = "AF 1234 Paris → Lisbon", departure = "Fri 27 Nov 09:40", seat = (string?)null } },
        }, 202);

        var arrived = Assert.Single(await Maildir.WaitFor(email));
        var sent = await WaitForInteraction(conversationId, Id(queued, "interactionId"), "sent");
        Assert.Equal("queued", queued["status"]!.GetValue<string>());
        Assert.Equal("Your updated booking ZX81QF", arrived.Subject);
        Assert.Contains("AF 1234 Paris → Lisbon", arrived.TextBody);
        Assert.Contains("Hello Ana Lima", arrived.TextBody);
        Assert.Contains("to be assigned", arrived.TextBody);
        Assert.Equal("bookings@airline.example", arrived.From.Mailboxes.Single().Address);
        Assert.Equal(customerMessageId, arrived.InReplyTo);
        Assert.Contains(customerMessageId, arrived.References);
        Assert.Equal(sent["providerRef"]!.GetValue<string>(), arrived.MessageId);
        Assert.Equal("sent", sent["status"]!.GetValue<string>());
        Assert.Equal("outbound", sent["direction"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Ending_a_chat_turned_call_sends_the_sms_summary_which_twilio_then_delivers()
    {
        var phone = Customers.Phone();
        var chat = await Record(new { channel = "chat", direction = "inbound", customer = new { phone, name = "Rui" } });
        await Record(new { channel = "call", direction = "outbound", customer = new { phone }, agent = "lina" });
        var conversationId = Id(chat, "conversationId");

        var ended = await Api.PostOk($"/api/v1/conversations/{conversationId}/end", new
        {
            summary = "Flight moved to Friday 09:40, no fee.",
            sendSummary = new { channel = "sms", template = "conversation-summary" },
        });
        var interactionId = Id(ended["summaryMessage"]!, "interactionId");
        var sent = await WaitForInteraction(conversationId, interactionId, "sent");
        var request = Assert.Single(TwilioRequestsTo(phone));
        var sid = sent["providerRef"]!.GetValue<string>();
        await App.PostSigned("/webhooks/twilio/message-status", new Dictionary<string, string> { ["MessageSid"] = sid, ["MessageStatus"] = "delivered" });
        var delivered = await WaitForInteraction(conversationId, interactionId, "delivered");

        Assert.Equal("ended", ended["conversation"]!["status"]!.GetValue<string>());
        Assert.Equal(["Hi Rui, summary of our conversation: Flight moved to Friday 09:40, no fee."], request.Form["Body"]);
        Assert.StartsWith("SM", sid);
        Assert.Equal("delivered", delivered["status"]!.GetValue<string>());
        var detail = await Api.GetOk($"/api/v1/conversations/{conversationId}");
        Assert.Equal(["chat", "call", "sms"], detail["conversation"]!["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("ended", detail["conversation"]!["status"]!.GetValue<string>()); // the summary did not reopen it
    }

    [SkippableFact]
    public async Task A_call_switches_to_sms_and_whatsapp_from_the_conversation()
    {
        var phone = Customers.Phone();
        await Record(new { channel = "whatsapp", direction = "inbound", customer = new { phone }, body = "Are you there?" }); // WhatsApp's 24-hour window opens
        var call = await Record(new { channel = "call", direction = "inbound", customer = new { phone } });
        var conversationId = Id(call, "conversationId");

        var sms = await Api.PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "sms", body = "Text me here, no need to talk." }, 202);
        var whatsapp = await Api.PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "whatsapp", body = "Or here." }, 202);
        await WaitForInteraction(conversationId, Id(sms, "interactionId"), "sent");
        await WaitForInteraction(conversationId, Id(whatsapp, "interactionId"), "sent");

        var requests = TwilioRequestsTo(phone);
        Assert.Equal(2, requests.Count);
        Assert.Contains(requests, r => r.Form["To"].Single() == "whatsapp:" + phone && r.Form["From"].Single() == "whatsapp:+14155238886");
        Assert.Contains(requests, r => r.Form["To"].Single() == phone && r.Form["Body"].Single() == "Text me here, no need to talk.");
    }

    [SkippableFact]
    public async Task Twilio_failing_twice_then_accepting_sends_once_after_three_attempts()
    {
        var phone = Customers.Phone();
        var conversationId = Id(await Record(new { channel = "sms", direction = "inbound", customer = new { phone } }), "conversationId");
        // The client itself retries 429/5xx (Twilio:MaxAttempts), so the outbox sees a failure only once they are spent.
        for (var i = 0; i < 8; i++) App.Twilio.Enqueue(500);

        var queued = await Api.PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "sms", body = "retry me" }, 202);
        var sent = await WaitForInteraction(conversationId, Id(queued, "interactionId"), "sent", "failed");

        Assert.Equal("sent", sent["status"]!.GetValue<string>());
        Assert.Equal(9, TwilioRequestsTo(phone).Count); // eight refusals, one acceptance
        await using var connection = await App.Get<Db>().OpenAsync();
        Assert.Equal(3, await connection.ExecuteScalarAsync<long>("SELECT attempts FROM outbox WHERE interaction_id = @id", new { id = Id(queued, "interactionId") }));
    }

    [SkippableFact]
    public async Task An_unsubscribed_number_fails_at_once_and_records_the_opt_out()
    {
        var phone = Customers.Phone();
        var call = await Record(new { channel = "call", direction = "inbound", customer = new { phone } });
        App.Twilio.EnqueueFor(phone, 400, FakeTwilio.Error(21610, "Attempt to send to unsubscribed recipient", 400));

        var queued = await Api.PostOk($"/api/v1/conversations/{Id(call, "conversationId")}/messages", new { channel = "sms", body = "hello" }, 202);
        var failed = await WaitForInteraction(Id(call, "conversationId"), Id(queued, "interactionId"), "failed");
        var requestsAfterRefusal = TwilioRequestsTo(phone).Count;
        var consents = await Api.GetOk($"/api/v1/contacts/{Id(call, "contactId")}/consents");
        var marketing = await Api.PostAsJsonAsync($"/api/v1/conversations/{Id(call, "conversationId")}/messages", new { channel = "sms", body = "50% off!", purpose = "marketing" });
        var transactional = await Api.PostAsJsonAsync($"/api/v1/conversations/{Id(call, "conversationId")}/messages", new { channel = "sms", body = "Your new boarding time is 09:40" });

        Assert.Contains("21610", failed["error"]!.GetValue<string>());
        Assert.Equal(1, requestsAfterRefusal); // refused once, not retried
        Assert.Equal("opted_out", consents.AsArray().Single()!["status"]!.GetValue<string>());
        Assert.NotNull((await marketing.Expect(422))["errors"]!["purpose"]);
        Assert.Equal(HttpStatusCode.Accepted, transactional.StatusCode);
    }

    [SkippableFact]
    public async Task A_retried_request_with_the_same_idempotency_key_queues_one_message()
    {
        var email = Customers.Email();
        var conversationId = Id(await Record(new { channel = "email", direction = "inbound", customer = new { email } }), "conversationId");
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{conversationId}/messages")
            {
                Content = JsonContent.Create(new { channel = "email", subject = "Receipt", body = "Attached." }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return Api.SendAsync(request);
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        Assert.Single((await Task.WhenAll(answers.Select(a => a.ReadJsonAsync()))).Select(j => Id(j, "interactionId")).Distinct());
        await Maildir.WaitFor(email, 2, seconds: 3);
        Assert.Single(Maildir.To(email));
    }

    [SkippableFact]
    public async Task Bad_message_requests_get_a_clear_4xx()
    {
        var phone = Customers.Phone();
        var conversationId = Id(await Record(new { channel = "chat", direction = "inbound", customer = new { phone } }), "conversationId");
        var ended = Id(await Record(new { channel = "chat", direction = "inbound", customer = new { phone = Customers.Phone() } }), "conversationId");
        await Api.PostOk($"/api/v1/conversations/{ended}/end", new { });
        var url = $"/api/v1/conversations/{conversationId}/messages";

        var cases = new (string Url, object Body, int Status, string? Field)[]
        {
            ("/api/v1/conversations/987654321/messages", new { channel = "sms", body = "x" }, 404, null),
            ($"/api/v1/conversations/{ended}/messages", new { channel = "sms", body = "x" }, 409, null),
            (url, new { channel = "sms" }, 400, "body"),
            (url, new { channel = "fax", body = "x" }, 400, "channel"),
            (url, new { channel = "email", body = "x" }, 422, "to"),
            (url, new { channel = "sms", body = "x", to = "12" }, 400, "to"),
            (url, new { channel = "sms", template = "does-not-exist" }, 422, "template"),
            (url, new { channel = "sms", template = "../../etc/passwd" }, 422, "template"),
            (url, new { channel = "email", to = Customers.Email(), template = "booking-update", data = new { booking = new { flight = "x" } } }, 422, "data"),
            (url, new { channel = "sms", body = new string('x', 1024 * 1024) }, 400, "body"),
        };
        foreach (var (target, body, status, field) in cases)
        {
            var problem = await (await Api.PostAsJsonAsync(target, body)).Expect(status);
            if (field is not null) Assert.True(problem["errors"]?[field] is not null, $"{target}: expected an error for {field}: {problem.ToJsonString()}");
        }
    }

    [SkippableFact]
    public async Task Data_that_looks_like_liquid_is_sent_as_text_not_evaluated()
    {
        var email = Customers.Email();
        var conversationId = Id(await Record(new { channel = "email", direction = "inbound", customer = new { email, name = "Secret Name" } }), "conversationId");

        await Api.PostOk($"/api/v1/conversations/{conversationId}/messages", new
        {
            channel = "email", template = "booking-update",
            data = new { booking = new { reference = "{{ contact.name }}", flight = "{% for i in (1..99999999) %}x{% endfor %}", departure = "now", seat = "1A" } },
        }, 202);

        var arrived = Assert.Single(await Maildir.WaitFor(email));
        Assert.Equal("Your updated booking {{ contact.name }}", arrived.Subject);
        Assert.Contains("{% for i in (1..99999999) %}x{% endfor %}", arrived.TextBody);
    }

    [SkippableFact]
    public async Task Follow_up_tasks_are_created_listed_when_overdue_and_completed_by_an_interaction()
    {
        var phone = Customers.Phone();
        var call = await Record(new { channel = "call", direction = "inbound", customer = new { phone }, status = "missed" });
        var agent = "agent-" + Guid.NewGuid().ToString("N")[..6];
        var overdue = await Api.PostOk("/api/v1/follow-ups", new { contactId = Id(call, "contactId"), conversationId = Id(call, "conversationId"), title = "Call back", assignedTo = agent, dueAt = DateTimeOffset.UtcNow.AddHours(-1) }, 201);
        await Api.PostOk("/api/v1/follow-ups", new { contactId = Id(call, "contactId"), title = "Send the refund form", assignedTo = agent, dueAt = DateTimeOffset.UtcNow.AddDays(3) }, 201);
        var callBack = await Record(new { channel = "call", direction = "outbound", customer = new { phone }, agent });

        var overdueList = await Api.GetOk($"/api/v1/follow-ups?due=overdue&assignedTo={agent}");
        var done = await (await Api.PatchAsJsonAsync($"/api/v1/follow-ups/{Id(overdue, "id")}", new { status = "done", completedByInteractionId = Id(callBack, "interactionId") })).Expect(200);
        var wrong = await Api.PatchAsJsonAsync($"/api/v1/follow-ups/{Id(overdue, "id")}", new { completedByInteractionId = 987654321 });
        var mine = await Api.GetOk($"/api/v1/follow-ups?assignedTo={agent}&status=open");
        var badContact = await Api.PostAsJsonAsync("/api/v1/follow-ups", new { contactId = 987654321, title = "x" });
        var pop = await Api.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}");

        Assert.Equal([Id(overdue, "id")], overdueList.AsArray().Select(f => Id(f!, "id")));
        Assert.Equal("done", done["status"]!.GetValue<string>());
        Assert.Equal(Id(callBack, "interactionId"), Id(done, "completedInteractionId"));
        Assert.NotNull(done["completedAt"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Equal(["Send the refund form"], mine.AsArray().Select(f => f!["title"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, badContact.StatusCode);
        Assert.Equal(["Send the refund form"], pop["openFollowUps"]!.AsArray().Select(f => f!["title"]!.GetValue<string>())); // on the contact's screen-pop
    }
}

public sealed class MessagingOnSqlite(MessagingSqliteApp app) : MessagingSuite<MessagingSqliteApp>(app);

public sealed class MessagingOnPostgres(MessagingPostgresApp app) : MessagingSuite<MessagingPostgresApp>(app);

public sealed class MessagingOnSqlServer(MessagingSqlServerApp app) : MessagingSuite<MessagingSqlServerApp>(app);
