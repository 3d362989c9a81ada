using MimeKit;

namespace ContactHub.Tests.Infrastructure;

/// <summary>What the real SMTP server (started by test.sh) accepted, read from its Maildir.</summary>
public static class Maildir
{
    public static readonly string? Server = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_SMTP");
    public static readonly string? Folder = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_MAILDIR");

    public static string? SkipReason => string.IsNullOrEmpty(Server) || string.IsNullOrEmpty(Folder)
        ? (TestEngine.InCi ? throw new InvalidOperationException("CI=true but CONTACTHUB_TEST_SMTP / CONTACTHUB_TEST_MAILDIR are not set: run ./test.sh.")
            : "CONTACTHUB_TEST_SMTP is not set (./test.sh starts an SMTP server)")
        : null;

    /// <summary>Every message delivered to this recipient so far.</summary>
    public static List<MimeMessage> To(string recipient)
    {
        var found = new List<MimeMessage>();
        foreach (var sub in new[] { "new", "cur" })
        {
            var dir = Path.Combine(Folder!, sub);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.GetFiles(dir))
            {
                var text = File.ReadAllText(file);
                if (!text.Contains(recipient, StringComparison.OrdinalIgnoreCase)) continue;
                var message = MimeMessage.Load(file);
                if (message.To.Mailboxes.Any(m => string.Equals(m.Address, recipient, StringComparison.OrdinalIgnoreCase))) found.Add(message);
            }
        }
        return found;
    }

    public static async Task<List<MimeMessage>> WaitFor(string recipient, int count = 1, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var found = To(recipient);
            if (found.Count >= count || DateTime.UtcNow > deadline) return found;
            await Task.Delay(100);
        }
    }
}
