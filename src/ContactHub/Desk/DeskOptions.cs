using System.ComponentModel.DataAnnotations;

namespace ContactHub.Desk;

public sealed class DeskOptions : IValidatableObject
{
    public const string Section = "Desk";

    /// <summary>Agents sign in with their organisation's identity provider when ClientId is set (API keys keep working).</summary>
    public OidcSettings Oidc { get; set; } = new();

    public sealed class OidcSettings
    {
        /// <summary>The identity provider, e.g. https://login.microsoftonline.com/{tenant}/v2.0 (defaults to Security:Jwt:Authority).</summary>
        public string? Authority { get; set; }

        /// <summary>The desk's application (client) id registered with the provider; its redirect URI is https://&lt;host&gt;/desk/signin-oidc.</summary>
        public string? ClientId { get; set; }

        /// <summary>The client secret, when the provider requires one for the code flow. Never logged.</summary>
        public string? ClientSecret { get; set; }

        public bool RequireHttpsMetadata { get; set; } = true;

        /// <summary>The claim naming the agent.</summary>
        public string NameClaim { get; set; } = "preferred_username";

        /// <summary>Scopes asked for besides openid and profile (space-separated).</summary>
        public string? Scopes { get; set; }

        public bool Enabled => !string.IsNullOrWhiteSpace(ClientId);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Oidc.Enabled && Oidc.Authority is not null && !Uri.TryCreate(Oidc.Authority, UriKind.Absolute, out _))
            yield return new($"{Section}:Oidc:Authority must be an absolute URL (was '{Oidc.Authority}').");
    }
}
