using System.ComponentModel.DataAnnotations;

namespace ContactHub.Security;

public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>Where the first admin key is written when the database holds no key (mode 0600).</summary>
    public string InitialKeyFile { get; set; } = "data/initial-api-key.txt";

    /// <summary>How long a verified key stays trusted in memory; a revoked key stops working within this time.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Agents signing in with their organisation's identity provider (e.g. Microsoft Entra ID).</summary>
    public JwtSettings Jwt { get; set; } = new();

    public RateLimitSettings RateLimits { get; set; } = new();

    /// <summary>Redirect to HTTPS and send HSTS (when TLS ends at ContactHub or a proxy forwards X-Forwarded-Proto).</summary>
    public bool RequireHttps { get; set; }

    /// <summary>Trust X-Forwarded-For / X-Forwarded-Proto from the reverse proxy in front (client IPs for rate limits and the audit trail).</summary>
    public bool TrustForwardedHeaders { get; set; }

    public sealed class JwtSettings
    {
        /// <summary>The token issuer, e.g. https://login.microsoftonline.com/{tenant}/v2.0. JWT is accepted when set.</summary>
        public string? Authority { get; set; }

        /// <summary>The audience tokens must be issued for, e.g. api://contacthub.</summary>
        public string? Audience { get; set; }

        public bool RequireHttpsMetadata { get; set; } = true;

        /// <summary>The claim naming the agent (their identity becomes the default agent of what they record).</summary>
        public string NameClaim { get; set; } = "preferred_username";

        public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
    }

    public sealed class RateLimitSettings
    {
        /// <summary>Requests per minute per API key or agent on /api (0: no limit).</summary>
        public int ApiPerMinute { get; set; } = 30_000;

        /// <summary>Requests per minute per client IP on /webhooks (0: no limit).</summary>
        public int WebhooksPerMinute { get; set; } = 6_000;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Jwt.Enabled && !Uri.TryCreate(Jwt.Authority, UriKind.Absolute, out _)) yield return new($"{Section}:Jwt:Authority must be an absolute URL (was '{Jwt.Authority}').");
        if (Jwt.Enabled && string.IsNullOrWhiteSpace(Jwt.Audience)) yield return new($"{Section}:Jwt:Audience is required with {Section}:Jwt:Authority.");
        if (RateLimits.ApiPerMinute < 0 || RateLimits.WebhooksPerMinute < 0) yield return new($"{Section}:RateLimits values must be 0 (off) or more.");
        if (string.IsNullOrWhiteSpace(InitialKeyFile))
            yield return new($"{Section}:InitialKeyFile is required.");
        if (KeyCacheDuration < TimeSpan.Zero || KeyCacheDuration > TimeSpan.FromMinutes(10))
            yield return new($"{Section}:KeyCacheDuration must be between 00:00:00 and 00:10:00.");
    }
}
