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
