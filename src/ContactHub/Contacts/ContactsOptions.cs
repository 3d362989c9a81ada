using System.ComponentModel.DataAnnotations;
using PhoneNumbers;

namespace ContactHub.Contacts;

public sealed class ContactsOptions : IValidatableObject
{
    public const string Section = "Contacts";

    /// <summary>ISO 3166 region used to read phone numbers written without a country code, e.g. FR or US.</summary>
    public string DefaultRegion { get; set; } = "US";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!PhoneNumberUtil.GetInstance().GetSupportedRegions().Contains(DefaultRegion?.ToUpperInvariant() ?? ""))
            yield return new($"{Section}:DefaultRegion must be an ISO 3166 region code such as FR, GB or US (was '{DefaultRegion}').");
    }
}
