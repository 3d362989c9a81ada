using System.Net.Http.Json;
using ContactHub.Data;
using ContactHub.Outbox;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Channels;

/// <summary>A service with neither Twilio's settings nor Email:FromAddress, its outbox polled often.</summary>
public sealed class NoChannelSettingsApp() : ContactHubApp(DatabaseProvider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Outbox:PollInterval", "00:00:00.100")];
}

public sealed class UnconfiguredChannelTests(NoChannelSettingsApp app) : IClassFixture<NoChannelSettingsApp>
{
    private async Task<(long ConversationId, long InteractionId, string Phone)> ActiveConversationAsync()
    {
        var phone = Customers.Phone();
        var recorded = await app.Client().PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { phone, email = Customers.Email() } }, 201);
        return (recorded["conversationId"]!.GetValue<long>(), recorded["interactionId"]!.GetValue<long>(), phone);
    }

    [Theory]
    [InlineData("sms", "SMS is not configured here (Twilio:AccountSid")]
    [InlineData("whatsapp", "WhatsApp is not configured here (Twilio:AccountSid")]
    [InlineData("email", "Email is not configured here (Email:FromAddress)")]
    public async Task A_message_on_a_channel_without_its_settings_is_refused_naming_them(string channel, string reason)
    {
        var (conversationId, _, _) = await ActiveConversationAsync();

        var refused = await app.Client().PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel, subject = "Your booking", body = "Hello" }, 422);

        Assert.StartsWith(reason, refused["errors"]!["channel"]![0]!.GetValue<string>());
        // What the request names comes first: a conversation that does not exist is a 404, not the channel's settings.
        var missing = await app.Client().PostOk("/api/v1/conversations/987654321/messages", new { channel, subject = "Your booking", body = "Hello" }, 404);
        Assert.Contains("987654321", missing["detail"]!.GetValue<string>());
        await using var connection = await app.Get<Db>().OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox o JOIN interactions i ON i.id = o.interaction_id WHERE i.conversation_id = @conversationId", new { conversationId }));
    }

    [Theory]
    [InlineData("send", "missed-call-not-returned", "sms", "SMS is not configured here (Twilio:AccountSid")]
    [InlineData("csat", "conversation-ended", "whatsapp", "WhatsApp is not configured here (Twilio:AccountSid")]
    [InlineData("send", "follow-up-overdue", "email", "Email is not configured here (Email:FromAddress)")]
    public async Task A_campaign_that_would_send_on_a_channel_without_its_settings_is_refused_unless_paused(string action, string trigger, string channel, string reason)
    {
        var phone = Customers.Phone();
        var missed = await app.Client().PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", status = "missed", customer = new { phone }, occurredAt = DateTimeOffset.UtcNow.AddHours(-2) }, 201);
        object Definition(bool? paused) => new
        {
            name = "Call back missed callers " + phone + channel, trigger, parameters = new { minutes = 30 }, action, channel,
            body = "Sorry we missed your call.", startsAt = DateTimeOffset.UtcNow.AddHours(-3), paused,
        };

        // Before: 201, and the evaluator spent every trigger it met as "skipped: not configured" — once Twilio was set up, those
        // customers were never texted.
        var refused = await app.Client().PostOk("/api/v1/campaigns", Definition(null), 400);
        var error = refused["errors"]!["channel"]![0]!.GetValue<string>();
        Assert.StartsWith(reason, error);
        Assert.Contains("\"paused\": true", error);

        // Paused, it waits for the settings; its preview says what stops it, and it is not unpaused until they are there.
        var campaign = await app.Client().PostOk("/api/v1/campaigns", Definition(true), 201);
        var id = campaign["id"]!.GetValue<long>();
        if (trigger == "missed-call-not-returned")
        {
            var preview = await app.Client().PostOk($"/api/v1/campaigns/{id}/preview", new { });
            Assert.Empty(preview["targeted"]!.AsArray());
            var excluded = Assert.Single(preview["excluded"]!.AsArray(), e => e!["contactId"]!.GetValue<long>() == missed["contactId"]!.GetValue<long>());
            Assert.StartsWith(reason, excluded!["reason"]!.GetValue<string>());
        }
        var unpaused = await (await app.Client().PatchAsJsonAsync($"/api/v1/campaigns/{id}", new { paused = false })).Expect(400);
        Assert.StartsWith(reason, unpaused["errors"]!["channel"]![0]!.GetValue<string>());
        Assert.True((await app.Client().GetOk($"/api/v1/campaigns/{id}"))["paused"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_message_queued_before_the_settings_were_taken_away_fails_with_the_reason_instead_of_calling_Twilio()
    {
        var (_, interactionId, phone) = await ActiveConversationAsync();
        var db = app.Get<Db>();
        var outboxId = await db.InTransactionAsync((c, t) => app.Get<OutboxStore>().EnqueueAsync(c, t, interactionId, "sms", new OutboxPayload(phone, "Hello"), CancellationToken.None));

        await using var connection = await db.OpenAsync();
        (string Status, string? LastError) row;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(100);
            row = await connection.QuerySingleAsync<(string, string?)>("SELECT status, last_error FROM outbox WHERE id = @outboxId", new { outboxId });
        }
        while (row.Status == "pending" && row.LastError is null && DateTime.UtcNow < deadline);

        // Before: pending, "Twilio unreachable (HttpRequestException)" — a call to api.twilio.com for an empty account, retried.
        Assert.Equal("failed", row.Status);
        Assert.StartsWith("SMS is not configured here (Twilio:AccountSid", row.LastError);
    }

    [Fact]
    public async Task A_report_that_would_be_emailed_without_email_settings_is_refused_naming_them()
    {
        var schedule = await app.Client().PostOk("/api/v1/report-schedules", new
        {
            name = "daily-activity", report = "activity-summary", cron = "0 0 7 ? * MON-FRI", timeZone = "Europe/Paris", period = "previous-day",
            recipients = new[] { "lead@example.com" },
        }, 400);
        Assert.Contains("Email is not configured here (Email:FromAddress)", schedule["errors"]!["recipients"]![0]!.GetValue<string>());

        var day = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var emailed = await app.Client().PostOk("/api/v1/reports/activity-summary/runs", new { from = day, to = day, email = new[] { "lead@example.com" } }, 400);
        Assert.StartsWith("Email is not configured here (Email:FromAddress)", emailed["errors"]!["email"]![0]!.GetValue<string>());
        // Without an inbox the run goes ahead: the workbook is downloaded from it.
        await app.Client().PostOk("/api/v1/reports/activity-summary/runs", new { from = day, to = day }, 202);
    }

    [Fact]
    public async Task Ending_with_a_summary_on_such_a_channel_names_the_summarys_field_and_leaves_the_conversation_open()
    {
        var (conversationId, _, _) = await ActiveConversationAsync();

        var refused = await app.Client().PostOk($"/api/v1/conversations/{conversationId}/end",
            new { summary = "Flight moved.", sendSummary = new { channel = "sms", template = "conversation-summary" } }, 422);

        Assert.StartsWith("SMS is not configured here", refused["errors"]!["sendSummary.channel"]![0]!.GetValue<string>());
        Assert.Equal("active", (await app.Client().GetOk($"/api/v1/conversations/{conversationId}"))["conversation"]!["status"]!.GetValue<string>());
    }
}
