using System.ComponentModel.DataAnnotations;

namespace ContactHub.Campaigns;

public sealed class CampaignOptions : IValidatableObject
{
    public const string Section = "Campaigns";

    /// <summary>Quiet hours are kept in the contact's local time: from the phone number's region, else this IANA zone.</summary>
    public string DefaultTimeZone { get; set; } = "Europe/Paris";

    /// <summary>How often the evaluator looks for triggering activity.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How far back the evaluator looks for triggering activity (older triggers are never acted on).</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(7);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _)) yield return new($"{Section}:DefaultTimeZone must be an IANA time zone such as Europe/Paris (was '{DefaultTimeZone}').");
        if (EvaluationInterval < TimeSpan.FromSeconds(1)) yield return new($"{Section}:EvaluationInterval must be at least 00:00:01.");
        if (Lookback < TimeSpan.FromMinutes(1)) yield return new($"{Section}:Lookback must be at least 00:01:00.");
    }
}
