using ContactHub.Data;
using ContactHub.Tests.Channels.Twilio;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Conversations;

/// <summary>Twilio's fake, the real SMTP server from test.sh, and an outbox that retries quickly.</summary>
public abstract class MessagingApp(DatabaseProvider provider) : TwilioApp(provider)
{
    public override string? SkipReason => Engine.SkipReason ?? Maildir.SkipReason;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Email:FromAddress", "bookings@airline.example"),
        new("Email:FromName", "Airline bookings"),
        new("Email:Smtp:Host", Maildir.Server?.Split(':')[0] ?? "127.0.0.1"),
        new("Email:Smtp:Port", Maildir.Server?.Split(':')[1] ?? "2525"),
        new("Email:Smtp:Security", "None"),
        new("Outbox:PollInterval", "00:00:00.100"),
        new("Outbox:RetryBaseDelay", "00:00:00.050"),
        new("Outbox:MaxAttempts", "4"),
    ];
}

public sealed class MessagingSqliteApp() : MessagingApp(DatabaseProvider.Sqlite);

public sealed class MessagingPostgresApp() : MessagingApp(DatabaseProvider.Postgres);

public sealed class MessagingSqlServerApp() : MessagingApp(DatabaseProvider.SqlServer);
