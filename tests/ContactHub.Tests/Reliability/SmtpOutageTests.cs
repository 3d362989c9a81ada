using System.Diagnostics;
using ContactHub.Data;
using ContactHub.Tests.Conversations;
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

        // A few failed attempts first: waited for by count, not by time.
        long attemptsDuringOutage = 0;
        for (var until = DateTime.UtcNow.AddSeconds(30); attemptsDuringOutage < 2 && DateTime.UtcNow < until; await Task.Delay(100))
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

/// <summary>Reports retry often and soon, for an SMTP server that is down when the run starts.</summary>
public sealed class ReportSmtpOutageApp : ContactHubApp
{
    public ReportSmtpOutageApp() : base(DatabaseProvider.Sqlite) { }

    public override string? SkipReason => Engine.SkipReason ?? Maildir.SkipReason;

    public int SmtpPort { get; } = HostProcess.FreePort();

    public string OutputPath { get; } = Path.Combine(Path.GetTempPath(), "contacthub-tests", "reports-outage-" + Guid.NewGuid().ToString("N")[..8]);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Email:FromAddress", "reports@contact-centre.example"),
        new("Email:Smtp:Host", "127.0.0.1"),
        new("Email:Smtp:Port", SmtpPort.ToString()),
        new("Email:Smtp:Security", "None"),
        new("Email:Smtp:Timeout", "00:00:03"),
        new("Reports:OutputPath", OutputPath),
        new("Reports:MaxAttempts", "20"),
        new("Reports:RetryDelay", "00:00:00.300"),
    ];

    protected override ValueTask DisposeExtrasAsync()
    {
        if (Directory.Exists(OutputPath)) Directory.Delete(OutputPath, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed class ReportSmtpOutageTests(ReportSmtpOutageApp app) : IClassFixture<ReportSmtpOutageApp>
{
    [SkippableFact]
    public async Task A_report_emailed_while_the_smtp_server_is_down_is_delivered_once_when_it_returns()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);
        var manager = $"manager.{Guid.NewGuid():N}@contact-centre.example";
        var run = await app.Client().PostOk("/api/v1/reports/contacts/runs", new { from = "2026-11-01", to = "2026-11-02", timeZone = "Europe/Paris", email = new[] { manager } }, 202);
        var runId = run["runId"]!.GetValue<long>();

        // A few failed attempts first: waited for by count, not by time (a cold first attempt can take over a second).
        System.Text.Json.Nodes.JsonNode during;
        var until = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(100);
            during = await app.Client().GetOk($"/api/v1/reports/runs/{runId}");
        } while (during["attempts"]!.GetValue<long>() < 2 && DateTime.UtcNow < until);
        var maildir = Directory.CreateTempSubdirectory("contacthub-smtp-back-").FullName;
        using var server = Process.Start("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{app.SmtpPort}", "-c", "aiosmtpd.handlers.Mailbox", $"{maildir}/Maildir"])!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(40);
            System.Text.Json.Nodes.JsonNode after;
            do
            {
                await Task.Delay(200);
                after = await app.Client().GetOk($"/api/v1/reports/runs/{runId}");
            } while (after["status"]!.GetValue<string>() is "queued" or "running" && DateTime.UtcNow < deadline);
            await Task.Delay(1000); // a duplicate would arrive now

            Assert.True(during["attempts"]!.GetValue<long>() >= 2, $"only {during["attempts"]} attempts during the outage");
            Assert.Equal("succeeded", after["status"]!.GetValue<string>());
            var delivered = Directory.GetFiles($"{maildir}/Maildir/new").Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Any(t => t.Address == manager)).ToList();
            Assert.Single(delivered);
            Assert.StartsWith("Contacts — 2026-11-01 to 2026-11-02", delivered[0].Subject);
        }
        finally
        {
            server.Kill();
        }
    }
}
