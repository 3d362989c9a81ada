using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace ContactHub.Tests.Infrastructure;

/// <summary>The real IMAP server started by test.sh; each test class works in a folder of its own.</summary>
public static class ImapServer
{
    public static readonly string? Address = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_IMAP");
    public static readonly string? User = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_IMAP_USER");
    public static readonly string? Password = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_IMAP_PASSWORD");

    public static string? SkipReason => string.IsNullOrEmpty(Address)
        ? (TestEngine.InCi ? throw new InvalidOperationException("CI=true but CONTACTHUB_TEST_IMAP is not set: run ./test.sh.") : "CONTACTHUB_TEST_IMAP is not set (./test.sh starts Dovecot)")
        : null;

    public static string Host => Address!.Split(':')[0];
    public static int Port => int.Parse(Address!.Split(':')[1]);

    private static async Task<ImapClient> Connect()
    {
        var client = new ImapClient();
        await client.ConnectAsync(Host, Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User!, Password!);
        return client;
    }

    public static async Task CreateFolderAsync(string name)
    {
        using var client = await Connect();
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        await root.CreateAsync(name, isMessageFolder: true);
        await client.DisconnectAsync(true);
    }

    /// <summary>Delivers a message into the folder the way a mail server would (IMAP APPEND).</summary>
    public static async Task AppendAsync(string folderName, MimeMessage message)
    {
        using var client = await Connect();
        var folder = await client.GetFolderAsync(folderName);
        await folder.AppendAsync(message, MessageFlags.None);
        await client.DisconnectAsync(true);
    }

    /// <summary>Raw bytes, for messages MimeKit would refuse to build.</summary>
    public static async Task AppendRawAsync(string folderName, byte[] raw)
    {
        using var client = await Connect();
        var folder = await client.GetFolderAsync(folderName);
        using var stream = new MemoryStream(raw);
        await folder.AppendAsync(MimeMessage.Load(stream), MessageFlags.None);
        await client.DisconnectAsync(true);
    }
}
