using System.ComponentModel.DataAnnotations;

namespace ContactHub.Desk;

public sealed class EmbedOptions : IValidatableObject
{
    public const string Section = "Embed";

    /// <summary>Origins allowed to frame /embed/contact (the CRM), e.g. https://contoso.crm4.dynamics.com; sent as CSP frame-ancestors.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>How long an embed token stays valid; a CRM asks for a new one each time it renders the page.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (TokenLifetime < TimeSpan.FromSeconds(1) || TokenLifetime > TimeSpan.FromDays(1)) yield return new($"{Section}:TokenLifetime must be between 00:00:01 and 1.00:00:00.");
        foreach (var origin in AllowedOrigins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.PathAndQuery != "/")
                yield return new($"{Section}:AllowedOrigins must hold origins such as https://contoso.crm4.dynamics.com (was '{origin}').");
    }
}
