using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace ContactHub.Channels.Email;

public enum EmailTransportKind { Smtp, Graph }

public sealed class EmailOptions : IValidatableObject
{
    public const string Section = "Email";

    /// <summary>What a request that needs email hears when Email:FromAddress is not set.</summary>
    public const string NotConfigured = "Email is not configured here (Email:FromAddress).";

    /// <summary>Smtp (MailKit, your own mail server) or Graph (Exchange Online sendMail).</summary>
    public EmailTransportKind Transport { get; set; } = EmailTransportKind.Smtp;

    /// <summary>
    /// The most an email's attachments may weigh through this transport: 10 MB by SMTP; 2 MB through Graph, which takes a
    /// request of at most 4 MB, in which MIME's base64 makes an attachment about 1.8 times its size.
    /// </summary>
    public long MaxAttachmentBytes => Transport == EmailTransportKind.Graph ? 2 * 1024 * 1024 : 10 * 1024 * 1024;

    /// <summary>The sender agents' emails and reports come from, e.g. support@example.com.</summary>
    public string? FromAddress { get; set; }

    public string FromName { get; set; } = "Customer service";

    /// <summary>The right-hand side of the Message-IDs ContactHub writes (defaults to the From address's domain).</summary>
    public string? MessageIdDomain { get; set; }

    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>The support mailbox customers write to; ingested when Host is set.</summary>
    public ImapSettings Imap { get; set; } = new();

    public bool Enabled => !string.IsNullOrWhiteSpace(FromAddress);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Imap.Enabled)
        {
            if (string.IsNullOrWhiteSpace(Imap.Username) || string.IsNullOrEmpty(Imap.Password))
                yield return new($"{Section}:Imap:Username and {Section}:Imap:Password are required with {Section}:Imap:Host.");
            if (Imap.PollInterval < TimeSpan.FromSeconds(1)) yield return new($"{Section}:Imap:PollInterval must be at least 00:00:01.");
            if (Imap.BatchSize is < 1 or > 5000) yield return new($"{Section}:Imap:BatchSize must be between 1 and 5000.");
        }
        if (!Enabled) yield break;
        if (!System.Net.Mail.MailAddress.TryCreate(FromAddress, out _)) yield return new($"{Section}:FromAddress must be an email address (was '{FromAddress}').");
        if (Transport == EmailTransportKind.Smtp)
        {
            if (string.IsNullOrWhiteSpace(Smtp.Host)) yield return new($"{Section}:Smtp:Host is required when {Section}:Transport is Smtp.");
            if (Smtp.Port is < 1 or > 65535) yield return new($"{Section}:Smtp:Port must be between 1 and 65535.");
            if (!string.IsNullOrEmpty(Smtp.Username) && string.IsNullOrEmpty(Smtp.Password)) yield return new($"{Section}:Smtp:Password is required with {Section}:Smtp:Username.");
        }
    }

    public sealed class ImapSettings
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 993;
        public SecureSocketOptions Security { get; set; } = SecureSocketOptions.SslOnConnect;
        public string? Username { get; set; }
        /// <summary>Never logged.</summary>
        public string? Password { get; set; }
        public string Folder { get; set; } = "INBOX";
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
        /// <summary>Messages read per poll; the rest wait for the next one.</summary>
        public int BatchSize { get; set; } = 200;
        public bool Enabled => !string.IsNullOrWhiteSpace(Host);
    }

    public sealed class SmtpSettings
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 587;
        /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable (MailKit's SecureSocketOptions).</summary>
        public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;
        public string? Username { get; set; }
        /// <summary>Never logged.</summary>
        public string? Password { get; set; }
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    }
}
