using System.Text;
using System.Text.Json.Nodes;
using ContactHub.Channels.Email;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;
using MimeKit;

namespace ContactHub.Tests.Channels.Email;

public abstract class ImapIngestSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : EmailApp
{
    private HttpClient Api => App.Client();

    private static long Id(JsonNode node, string field) => node[field]!.GetValue<long>();

    private static MimeMessage Mail(string from, string subject, string body, string? inReplyTo = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{Guid.NewGuid():N}@customer.example", Date = DateTimeOffset.UtcNow };
        message.From.Add(new MailboxAddress("Ana Lima", from));
        message.To.Add(new MailboxAddress("Bookings", "bookings@airline.example"));
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private async Task<long> Count(string messageId)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE provider = 'email' AND provider_ref = @messageId", new { messageId });
    }

    [SkippableFact]
    public async Task The_customers_reply_to_the_booking_email_joins_the_same_conversation()
    {
        var (phone, email) = (Customers.Phone(), Customers.Email());
        var call = await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone, email } }, 201);
        var conversationId = Id(call, "conversationId");
        await Api.PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "email", subject = "Your updated booking", body = "Flight AF123 now leaves at 09:40." }, 202);
        var sent = Assert.Single(await Maildir.WaitFor(email));

        // The customer answers from another address of theirs; the thread, not the sender, decides the conversation.
        var otherAddress = Customers.Email();
        var reply = Mail(otherAddress, "Re: Your updated booking", "Thanks! Can I have an aisle seat?", inReplyTo: sent.MessageId);
        await ImapServer.AppendAsync(App.Folder, reply);
        var result = await App.Get<ImapIngest>().RunAsync();

        Assert.Equal(1, result.Recorded);
        var detail = await Api.GetOk($"/api/v1/conversations/{conversationId}");
        var inbound = detail["interactions"]!.AsArray().Single(i => i!["channel"]!.GetValue<string>() == "email" && i["direction"]!.GetValue<string>() == "inbound")!;
        Assert.Equal("Thanks! Can I have an aisle seat?", inbound["body"]!.GetValue<string>().Trim());
        Assert.Equal(reply.MessageId, inbound["providerRef"]!.GetValue<string>());
        var contact = await Api.GetOk($"/api/v1/contacts/{Id(call, "contactId")}");
        Assert.Contains(contact["identifiers"]!.AsArray(), i => i!["value"]!.GetValue<string>() == otherAddress);
    }

    [SkippableFact]
    public async Task A_new_email_is_recognised_by_its_sender_and_ingesting_again_records_nothing_new()
    {
        var email = Customers.Email();
        var first = Mail(email, "Lost luggage", "My bag did not arrive.");
        await ImapServer.AppendAsync(App.Folder, first);

        var once = await App.Get<ImapIngest>().RunAsync();
        await App.Get<SyncStateStore>().SetAsync($"imap:{ImapServer.User}@{ImapServer.Host}:{ImapServer.Port}/{App.Folder}", null); // as after a lost cursor
        var twice = await App.Get<ImapIngest>().RunAsync();

        Assert.True(once.Recorded >= 1);
        Assert.Equal(0, twice.Recorded);
        Assert.Equal(1, await Count(first.MessageId!));
        var pop = await Api.GetOk($"/api/v1/contacts/lookup?email={Uri.EscapeDataString(email)}");
        Assert.Equal("Lost luggage", pop["recentActivities"]![0]!["subject"]!.GetValue<string>());
        Assert.Equal("Ana Lima", pop["contact"]!["name"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_bounce_marks_the_email_it_returns_undelivered_and_makes_no_contact_of_the_mail_server()
    {
        var (phone, email) = (Customers.Phone(), Customers.Email());
        var call = await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone, email } }, 201);
        var conversationId = Id(call, "conversationId");
        var queued = await Api.PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "email", subject = "Your updated booking", body = "Flight AF123 now leaves at 09:40." }, 202);
        var sent = Assert.Single(await Maildir.WaitFor(email));
        await Eventually.Until(async () => (await Interaction(conversationId, Id(queued, "interactionId")))["status"]!.GetValue<string>() == "sent", "the email marked sent");

        await ImapServer.AppendAsync(App.Folder, Reports.Bounce($"<{sent.MessageId}>", email));
        var result = await App.Get<ImapIngest>().RunAsync();

        Assert.Equal((1, 0), (result.Recorded, result.Skipped));
        var returned = await Interaction(conversationId, Id(queued, "interactionId"));
        Assert.Equal("undelivered", returned["status"]!.GetValue<string>());
        Assert.Contains("550 5.1.1", returned["error"]!.GetValue<string>());
        // It was recorded as a customer's email: a contact for MAILER-DAEMON, and a conversation waiting for an answer.
        Assert.Equal(404, (int)(await Api.GetAsync($"/api/v1/contacts/lookup?email={Uri.EscapeDataString("MAILER-DAEMON@mx.customer.example")}")).StatusCode);
        var detail = await Api.GetOk($"/api/v1/conversations/{conversationId}");
        Assert.DoesNotContain(detail["interactions"]!.AsArray(), i => i!["direction"]!.GetValue<string>() == "inbound" && i["channel"]!.GetValue<string>() == "email");

        // A report for mail ContactHub never sent changes nothing and is skipped.
        await ImapServer.AppendAsync(App.Folder, Reports.Bounce($"<{Guid.NewGuid():N}@elsewhere.example>", Customers.Email()));
        var unknown = await App.Get<ImapIngest>().RunAsync();
        Assert.Equal((0, 1), (unknown.Recorded, unknown.Skipped));
    }

    [SkippableFact]
    public async Task An_out_of_office_reply_is_filed_in_its_conversation_without_reopening_it_or_waiting_for_an_answer()
    {
        var (phone, email) = (Customers.Phone(), Customers.Email());
        var call = await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone, email } }, 201);
        var conversationId = Id(call, "conversationId");
        await Api.PostOk($"/api/v1/conversations/{conversationId}/end", new { summary = "Booking moved", sendSummary = new { channel = "email", template = "conversation-summary" } });
        var sent = Assert.Single(await Maildir.WaitFor(email));
        var now = DateTimeOffset.UtcNow;
        async Task<long> UnansweredEmails() => (await Api.GetOk($"/api/v1/service-levels?from={Uri.EscapeDataString(now.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(now.AddHours(1).ToString("O"))}"))
            ["levels"]!.AsArray().Single(l => l!["measure"]!.GetValue<string>() == "First response" && l["channel"]!.GetValue<string>() == "email")!["unanswered"]!.GetValue<long>();
        var unansweredBefore = await UnansweredEmails();

        var away = Mail(email, "Automatic reply: Your conversation summary", "I am out of the office until Monday.", inReplyTo: sent.MessageId);
        away.Headers.Add("Auto-Submitted", "auto-replied");
        await ImapServer.AppendAsync(App.Folder, away);
        // And one answering nothing of ours, from an address nobody knows: no contact is made of it.
        var stranger = Customers.Email();
        var unrelated = Mail(stranger, "Out of office", "Away.");
        unrelated.Headers.Add("X-Autoreply", "yes");
        await ImapServer.AppendAsync(App.Folder, unrelated);
        var result = await App.Get<ImapIngest>().RunAsync();

        Assert.Equal((1, 1), (result.Recorded, result.Skipped));
        var detail = await Api.GetOk($"/api/v1/conversations/{conversationId}");
        Assert.Equal("ended", detail["conversation"]!["status"]!.GetValue<string>()); // it was reopened, as if the customer had written
        var filed = detail["interactions"]!.AsArray().Single(i => i!["providerRef"]?.GetValue<string>() == away.MessageId)!;
        Assert.Equal("auto-replied", filed["status"]!.GetValue<string>());
        Assert.Equal(404, (int)(await Api.GetAsync($"/api/v1/contacts/lookup?email={Uri.EscapeDataString(stranger)}")).StatusCode);

        // Nobody waits for an answer to it: it adds no unanswered email.
        Assert.Equal(unansweredBefore, await UnansweredEmails());
    }

    private async Task<JsonNode> Interaction(long conversationId, long interactionId) =>
        (await Api.GetOk($"/api/v1/conversations/{conversationId}"))["interactions"]!.AsArray().Single(i => Id(i!, "id") == interactionId)!;

    [SkippableFact]
    public async Task Bad_mail_is_skipped_and_logged_without_losing_the_cursor_or_the_mail_after_it()
    {
        var good = Customers.Email();
        var noFrom = Mail(good, "x", "y");
        noFrom.From.Clear();
        await ImapServer.AppendAsync(App.Folder, noFrom);
        var eightBit = Encoding.UTF8.GetBytes($"From: Zoë Ünïcode <{good}>\r\nTo: bookings@airline.example\r\nSubject: Réservation née à Zürich\r\nMessage-ID: <{Guid.NewGuid():N}@x>\r\nContent-Type: text/plain\r\n\r\nCorps en 8 bits: é à ü\r\n");
        await ImapServer.AppendRawAsync(App.Folder, eightBit);
        var huge = Mail(good, "Scans attached", "Here are the scans.");
        var body = new BodyBuilder { TextBody = "Here are the scans." };
        body.Attachments.Add("scans.pdf", new byte[6 * 1024 * 1024], new ContentType("application", "pdf"));
        huge.Body = body.ToMessageBody();
        await ImapServer.AppendAsync(App.Folder, huge);

        var result = await App.Get<ImapIngest>().RunAsync();

        Assert.Equal(1, result.Skipped);
        Assert.Equal(2, result.Recorded);
        var timeline = (await Api.GetOk($"/api/v1/contacts/{Id((await Api.GetOk($"/api/v1/contacts/lookup?email={Uri.EscapeDataString(good)}"))["contact"]!, "id")}/activities"))["items"]!.AsArray();
        Assert.Contains(timeline, a => a!["subject"]!.GetValue<string>() == "Réservation née à Zürich");
        var scans = timeline.Single(a => a!["subject"]!.GetValue<string>() == "Scans attached")!;
        var detail = await Api.GetOk($"/api/v1/conversations/{Id(scans, "conversationId")}");
        var metadata = detail["interactions"]!.AsArray().Single(i => i!["subject"]!.GetValue<string>() == "Scans attached")!["metadata"]!.GetValue<string>();
        Assert.Contains("scans.pdf", metadata);
        Assert.Equal(0, (await App.Get<ImapIngest>().RunAsync()).Recorded + (await App.Get<ImapIngest>().RunAsync()).Skipped);
    }
}

public sealed class ImapIngestOnSqlite(EmailSqliteApp app) : ImapIngestSuite<EmailSqliteApp>(app);

public sealed class ImapIngestOnPostgres(EmailPostgresApp app) : ImapIngestSuite<EmailPostgresApp>(app);
