using System.ComponentModel.DataAnnotations;

namespace ContactHub.Channels.Graph;

public sealed class GraphOptions : IValidatableObject
{
    public const string Section = "Graph";

    /// <summary>The Entra ID tenant of the app registration. Graph is enabled when TenantId and ClientId are set.</summary>
    public string? TenantId { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Never logged.</summary>
    public string? ClientSecret { get; set; }

    public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";

    /// <summary>The OAuth 2.0 token endpoint; {tenant} is replaced by TenantId.</summary>
    public string TokenEndpoint { get; set; } = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token";

    /// <summary>The mailbox (user id or UPN) whose sendMail carries outbound email when Email:Transport is Graph.</summary>
    public string? SendAs { get; set; }

    /// <summary>Mailboxes ingested through delta queries.</summary>
    public List<MailboxSettings> Mailboxes { get; set; } = [];

    /// <summary>Record Teams Phone PSTN calls (getPstnCalls).</summary>
    public bool PstnCalls { get; set; }

    /// <summary>How far back the first PSTN sync reads.</summary>
    public TimeSpan PstnInitialLookback { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Call records appear late in Graph: each window ends this long before now.</summary>
    public TimeSpan PstnLag { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The secret Graph echoes in change notifications (clientState) to prove they come from our subscription.</summary>
    public string? NotificationClientState { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(ClientId);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out _)) yield return new($"{Section}:BaseUrl must be an absolute URL (was '{BaseUrl}').");
        if (!Enabled)
        {
            if (Mailboxes.Count > 0 || PstnCalls) yield return new($"{Section}:TenantId and {Section}:ClientId are required for {Section}:Mailboxes and {Section}:PstnCalls.");
            yield break;
        }
        if (string.IsNullOrEmpty(ClientSecret)) yield return new($"{Section}:ClientSecret is required with {Section}:ClientId.");
        if (!Uri.TryCreate(TokenEndpoint.Replace("{tenant}", TenantId), UriKind.Absolute, out _)) yield return new($"{Section}:TokenEndpoint must be an absolute URL.");
        foreach (var (mailbox, i) in Mailboxes.Select((m, i) => (m, i)))
            if (string.IsNullOrWhiteSpace(mailbox.User)) yield return new($"{Section}:Mailboxes:{i}:User is required (a user id or UPN).");
        if (PollInterval < TimeSpan.FromSeconds(1)) yield return new($"{Section}:PollInterval must be at least 00:00:01.");
    }

    public sealed class MailboxSettings
    {
        public string? User { get; set; }
        public string Folder { get; set; } = "inbox";
    }
}
