using ContactHub.Data;
using ContactHub.Tests.Conversations;
using ContactHub.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Security;

/// <summary>The production log levels (our own code at Debug), capturing every line.</summary>
public sealed class LoggedMessagingApp : MessagingApp
{
    public LoggedMessagingApp() : base(DatabaseProvider.Sqlite) => Logs.MinimumLevel = LogLevel.Debug;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Logging:LogLevel:Default", "Information"),
        new("Logging:LogLevel:Microsoft.AspNetCore", "Warning"),
        new("Logging:LogLevel:System.Net.Http.HttpClient", "Warning"),
        new("Logging:LogLevel:ContactHub", "Debug"),
    ];
}

public sealed class LogPrivacyTests(LoggedMessagingApp app) : IClassFixture<LoggedMessagingApp>
{
    [SkippableFact]
    public async Task A_full_run_logs_no_phone_number_email_address_message_body_or_secret()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);
        var (phone, email, body) = (Customers.Phone(), Customers.Email(), "secret body " + Guid.NewGuid());
        var api = app.Client();
        var chat = await api.PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { phone, email, name = "Private Person" }, body }, 201);
        var conversationId = chat["conversationId"]!.GetValue<long>();
        await api.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}");
        await api.GetOk($"/api/v1/contacts/lookup?email={Uri.EscapeDataString(email)}");
        await api.GetAsync($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(Customers.Phone())}"); // unknown: 404
        await api.PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "email", subject = "Booking", body = body + " by email" }, 202);
        await api.PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "sms", body = body + " by sms" }, 202);
        app.Twilio.Enqueue(400, FakeTwilio.Error(21610, "Attempt to send to unsubscribed recipient " + phone, 400));
        await api.PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "sms", body = body + " refused" }, 202);
        await app.PostSigned("/webhooks/twilio/messages", new Dictionary<string, string> { ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["From"] = phone, ["Body"] = "STOP" });
        await app.PostSigned("/webhooks/twilio/messages", new Dictionary<string, string> { ["MessageSid"] = "SM1", ["From"] = phone, ["Body"] = body }, signature: "forged");
        await api.PostAsync("/api/v1/interactions", new StringContent("{\"channel\":\"sms\",\"direction\":\"inbound\",\"customer\":{\"phone\":\"" + phone + "x\"}}", System.Text.Encoding.UTF8, "application/json"));
        await Maildir.WaitFor(email);
        await Task.Delay(500); // the dispatcher's last lines

        var logs = string.Join("\n", app.Logs.All);
        var key = (await File.ReadAllTextAsync(app.KeyFile)).Trim();
        Assert.True(app.Logs.All.Count > 10, "too few log lines to judge: " + logs);
        foreach (var secret in new[] { phone, phone[1..], email, body, "Private Person", key, FakeTwilio.AuthToken })
            Assert.False(logs.Contains(secret, StringComparison.OrdinalIgnoreCase), $"the logs contain '{secret}':\n{logs}");
    }
}
