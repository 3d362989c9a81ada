using System.ComponentModel.DataAnnotations;

namespace ContactHub.Security;

public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>Where the first admin key is written when the database holds no key (mode 0600).</summary>
    public string InitialKeyFile { get; set; } = "data/initial-api-key.txt";

    /// <summary>How long a verified key stays trusted in memory; a revoked key stops working within this time.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (string.IsNullOrWhiteSpace(InitialKeyFile))
            yield return new($"{Section}:InitialKeyFile is required.");
        if (KeyCacheDuration < TimeSpan.Zero || KeyCacheDuration > TimeSpan.FromMinutes(10))
            yield return new($"{Section}:KeyCacheDuration must be between 00:00:00 and 00:10:00.");
    }
}
