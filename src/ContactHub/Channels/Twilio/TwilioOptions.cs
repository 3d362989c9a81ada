using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace ContactHub.Channels.Twilio;

public sealed partial class TwilioOptions : IValidatableObject
{
    public const string Section = "Twilio";

    /// <summary>ACxxxxxxxx… from the Twilio console. Twilio is enabled when this or AuthToken is set.</summary>
    public string? AccountSid { get; set; }

    /// <summary>Signs webhooks and authenticates the REST calls. Never logged.</summary>
    public string? AuthToken { get; set; }

    /// <summary>The sending number in E.164, unless MessagingServiceSid is used.</summary>
    public string? FromNumber { get; set; }

    public string? MessagingServiceSid { get; set; }

    /// <summary>The WhatsApp sender, e.g. whatsapp:+14155238886.</summary>
    public string? WhatsAppFrom { get; set; }

    /// <summary>The public base URL Twilio calls (behind a proxy or load balancer), e.g. https://contacthub.example.com.</summary>
    public string? PublicBaseUrl { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>Attempts per REST call: 429 and 5xx answers are retried with exponential backoff and jitter.</summary>
    public int MaxAttempts { get; set; } = 4;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one REST attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool Enabled => !string.IsNullOrWhiteSpace(AccountSid) || !string.IsNullOrWhiteSpace(AuthToken);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out _)) yield return new($"{Section}:ApiBaseUrl must be an absolute URL (was '{ApiBaseUrl}').");
        if (MaxAttempts is < 1 or > 10) yield return new($"{Section}:MaxAttempts must be between 1 and 10.");
        if (!Enabled) yield break;
        if (AccountSid is null || !AccountSidPattern().IsMatch(AccountSid)) yield return new($"{Section}:AccountSid must look like AC followed by 32 hexadecimal characters.");
        if (string.IsNullOrWhiteSpace(AuthToken)) yield return new($"{Section}:AuthToken is required when Twilio:AccountSid is set.");
        if (string.IsNullOrWhiteSpace(FromNumber) && string.IsNullOrWhiteSpace(MessagingServiceSid))
            yield return new($"{Section}:FromNumber or {Section}:MessagingServiceSid is required to send messages.");
        if (!string.IsNullOrEmpty(PublicBaseUrl) && !(Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            yield return new($"{Section}:PublicBaseUrl must be an absolute http(s) URL such as https://contacthub.example.com (was '{PublicBaseUrl}').");
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSidPattern();
}
