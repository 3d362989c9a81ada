using System.Diagnostics;
using ContactHub.Data;
using ContactHub.Tests.FollowUps;
using ContactHub.Tests.Infrastructure;
using Dapper;
using MimeKit;

namespace ContactHub.Tests.Reliability;

/// <summary>Email configured for an SMTP server that is down when the message is queued.</summary>
public sealed class SmtpOutageApp : MessagingApp
{
    public SmtpOutageApp() : base(DatabaseProvider.Sqlite) { }

    public int SmtpPort { get; } = HostProcess.FreePort();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Email:Smtp:Port", SmtpPort.ToString()),
        new("Email:Smtp:Timeout", "00:00:03"),
        new("Outbox:RetryBaseDelay", "00:00:00.200"),
        new("Outbox:MaxAttempts", "50"),
    ];
}

public sealed class SmtpOutageTests(SmtpOutageApp app) : IClassFixture<SmtpOutageApp>
{
    [SkippableFact]
    public async Task Emails_queued_while_the_smtp_server_is_down_are_delivered_once_when_it_returns()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);
        var email = Customers.Email();
        var conversationId = (await app.Client().PostOk("/api/v1/interactions", new { channel = "email", direction = "inbound", customer = new { email } }, 201))["conversationId"]!.GetValue<long>();
        var queued = await app.Client().PostOk($"/api/v1/conversations/{conversationId}/messages", new { channel = "email", subject = "During the outage", body = "Still coming." }, 202);

        await Task.Delay(2000); // a few failed attempts
        long attemptsDuringOutage;
        await using (var connection = await app.Get<Db>().OpenAsync())
            attemptsDuringOutage = await connection.ExecuteScalarAsync<long>("SELECT attempts FROM outbox WHERE interaction_id = @id AND status = 'pending'", new { id = queued["interactionId"]!.GetValue<long>() });

        var maildir = Directory.CreateTempSubdirectory("contacthub-smtp-back-").FullName;
        using var server = Process.Start("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{app.SmtpPort}", "-c", "aiosmtpd.handlers.Mailbox", $"{maildir}/Maildir"])!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            List<string> files;
            do
            {
                await Task.Delay(200);
                files = Directory.Exists($"{maildir}/Maildir/new") ? Directory.GetFiles($"{maildir}/Maildir/new").ToList() : [];
            } while (files.Count == 0 && DateTime.UtcNow < deadline);
            await Task.Delay(1500); // a duplicate would arrive now

            Assert.True(attemptsDuringOutage >= 2, $"only {attemptsDuringOutage} attempts during the outage");
            var delivered = Directory.GetFiles($"{maildir}/Maildir/new").Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Any(t => t.Address == email)).ToList();
            Assert.Single(delivered);
            Assert.Equal("During the outage", delivered[0].Subject);
        }
        finally
        {
            server.Kill();
        }
    }
}
