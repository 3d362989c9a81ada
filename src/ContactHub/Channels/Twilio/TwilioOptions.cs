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

    /// <summary>Call recordings, voicemail and transcriptions (Twilio:Recordings:*).</summary>
    public RecordingOptions Recordings { get; set; } = new();

    public bool Enabled => !string.IsNullOrWhiteSpace(AccountSid) || !string.IsNullOrWhiteSpace(AuthToken);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out _)) yield return new($"{Section}:ApiBaseUrl must be an absolute URL (was '{ApiBaseUrl}').");
        if (MaxAttempts is < 1 or > 10) yield return new($"{Section}:MaxAttempts must be between 1 and 10.");
        if (Recordings.OrphanDays is < 1 or > 3650) yield return new($"{Section}:Recordings:OrphanDays must be between 1 and 3650.");
        if (Recordings.LinkLifetime < TimeSpan.FromSeconds(30) || Recordings.LinkLifetime > TimeSpan.FromHours(12))
            yield return new($"{Section}:Recordings:LinkLifetime must be between 00:00:30 and 12:00:00.");
        if (Recordings.VoicemailMaxSeconds is < 5 or > 3600) yield return new($"{Section}:Recordings:VoicemailMaxSeconds must be between 5 and 3600.");
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

public sealed class RecordingOptions
{
    /// <summary>False for a centre that must not keep audio: recording callbacks are acknowledged and forgotten, voicemail takes no message.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Ask Twilio to transcribe voicemail (its transcription callback stores the text, searchable from the contact search).</summary>
    public bool Transcribe { get; set; } = true;

    /// <summary>A recording whose call is gone (retention deleted it, or it never reached ContactHub) this many days is deleted at Twilio.</summary>
    public int OrphanDays { get; set; } = 7;

    /// <summary>How long a play link (a signed ContactHub URL proxying the audio) stays valid.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>What the caller hears before leaving a voicemail.</summary>
    public string VoicemailGreeting { get; set; } = "Sorry, nobody can take your call right now. Please leave a message after the tone.";

    public string VoicemailLanguage { get; set; } = "en-US";

    public int VoicemailMaxSeconds { get; set; } = 120;
}
