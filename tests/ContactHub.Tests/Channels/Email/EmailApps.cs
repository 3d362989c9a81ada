using ContactHub.Data;
using ContactHub.Tests.Conversations;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Channels.Email;

/// <summary>Messaging plus the support mailbox on the real IMAP server, in a folder of this fixture's own.</summary>
public abstract class EmailApp : MessagingApp
{
    protected EmailApp(DatabaseProvider provider) : base(provider)
    {
        if (ImapServer.SkipReason is null && base.SkipReason is null)
            ImapServer.CreateFolderAsync(Folder).GetAwaiter().GetResult();
    }

    public string Folder { get; } = "support-" + Guid.NewGuid().ToString("N")[..10];

    public override string? SkipReason => base.SkipReason ?? ImapServer.SkipReason;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Email:Imap:Host", ImapServer.Address is null ? null : ImapServer.Host),
        new("Email:Imap:Port", ImapServer.Address is null ? null : ImapServer.Port.ToString()),
        new("Email:Imap:Security", "None"),
        new("Email:Imap:Username", ImapServer.User),
        new("Email:Imap:Password", ImapServer.Password),
        new("Email:Imap:Folder", Folder),
        new("Email:Imap:PollInterval", "01:00:00"), // the tests run the ingest themselves
    ];
}

public sealed class EmailSqliteApp() : EmailApp(DatabaseProvider.Sqlite);

public sealed class EmailPostgresApp() : EmailApp(DatabaseProvider.Postgres);
