using System.Net.Mail;
using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace ContactHub.Contacts;

/// <summary>How a customer is recognised. Priority decides which contact wins when several match.</summary>
public static class IdentifierKind
{
    public const string External = "external";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Handle = "handle";

    public static readonly IReadOnlyList<string> All = [External, Email, Phone, Handle];

    public static int Priority(string kind) => kind switch { External => 4, Email => 3, Phone => 2, _ => 1 };
}

/// <summary>A normalised identifier: provider is empty except for handles (e.g. facebook, telegram).</summary>
public sealed record Identifier(string Kind, string Provider, string Value);

/// <summary>Phones to E.164 (libphonenumber), emails trimmed and lower-cased, WhatsApp senders as phones.</summary>
public sealed class IdentifierNormalizer(IOptions<ContactsOptions> options)
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private readonly string _region = options.Value.DefaultRegion.ToUpperInvariant();
    private Dictionary<string, string?>? _phones;

    /// <summary>
    /// A normaliser for one caller that remembers the phones it parsed (libphonenumber takes a few µs per number):
    /// an import names the same customers many times. Not thread-safe; forgets everything past 100,000 numbers.
    /// </summary>
    public IdentifierNormalizer Memoizing() => new(options) { _phones = new Dictionary<string, string?>(StringComparer.Ordinal) };

    public string? Phone(string? raw)
    {
        if (_phones is null || raw is null) return ParsePhone(raw);
        if (_phones.TryGetValue(raw, out var known)) return known;
        if (_phones.Count >= 100_000) _phones.Clear();
        return _phones[raw] = ParsePhone(raw);
    }

    /// <summary>
    /// The start of an E.164 number as an agent types it: "+33 6 12", "0033612", or nationally "0612" (the default region's
    /// trunk prefix replaced by its country code); null when the text is not the start of a phone number.
    /// </summary>
    public string? PhonePrefix(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64) return null;
        var compact = new string(text.Where(c => c is not (' ' or '.' or '-' or '(' or ')')).ToArray());
        if (compact.StartsWith('+')) return compact.Length > 2 && compact[1..].All(char.IsAsciiDigit) ? compact : null;
        if (compact.Length < 2 || !compact.All(char.IsAsciiDigit)) return null;
        if (compact.StartsWith("00", StringComparison.Ordinal)) return "+" + compact[2..];
        var trunk = Phones.GetNddPrefixForRegion(_region, true) ?? "";
        var national = trunk.Length > 0 && compact.StartsWith(trunk, StringComparison.Ordinal) ? compact[trunk.Length..] : compact;
        return $"+{Phones.GetCountryCodeForRegion(_region)}{national}";
    }

    /// <summary>
    /// What a refused value is told. A phone says how it is read: most refusals are a national number of another country
    /// than <see cref="ContactsOptions.DefaultRegion"/> (0612345678 where the region is US), which the bare "not valid" left
    /// to guess.
    /// </summary>
    /// <param name="what">The value as the field calls it: "phone number", "WhatsApp number", "email address".</param>
    public string Refusal(string kind, string what) => kind == IdentifierKind.Phone
        ? $"Not a valid {what}. Give it with its country code (+33 6 12 34 56 78, +1 201-555-0123); without one it is read as a national number of {_region} (Contacts:DefaultRegion)."
        : $"Not a valid {what}.";

    private string? ParsePhone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > 64) return null;
        var text = raw.Trim();
        if (text.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase)) text = text["whatsapp:".Length..];
        if (text.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)) text = text["tel:".Length..];
        try
        {
            var number = Phones.Parse(text, _region);
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    public static string? Email(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > 320) return null;
        var text = raw.Trim();
        if (text.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) text = text["mailto:".Length..];
        return MailAddress.TryCreate(text, out var address) && address.Address == text && text.Contains('.', StringComparison.Ordinal)
            ? text.ToLowerInvariant()
            : null;
    }

    /// <summary>Normalises one identifier of any kind; null when the value is not valid for its kind.</summary>
    public Identifier? Normalize(string kind, string? value, string? provider = null) => kind switch
    {
        IdentifierKind.Phone => Phone(value) is { } p ? new(kind, "", p) : null,
        IdentifierKind.Email => Email(value) is { } e ? new(kind, "", e) : null,
        // An external id is the caller's own, or — with a provider — another system's (a CRM connector's match: dynamics, salesforce).
        IdentifierKind.External => Text(value, 200) is { } x ? new(kind, Text(provider, 64)?.ToLowerInvariant() ?? "", x) : null,
        IdentifierKind.Handle => Text(value, 200) is { } h && Text(provider, 64) is { } pr ? new(kind, pr.ToLowerInvariant(), h) : null,
        _ => null,
    };

    private static string? Text(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) || value.Trim().Length > max ? null : value.Trim();
}
