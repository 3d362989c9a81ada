using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ContactHub.Contacts;

public static class AttributeType
{
    public const string Text = "text";
    public const string Number = "number";
    public const string Boolean = "boolean";
    public const string Date = "date";
    public const string OneOf = "one-of";
    public static readonly IReadOnlyList<string> All = [Text, Number, Boolean, Date, OneOf];
}

/// <summary>One attribute of the schema: its key, type, the values a one-of allows, and whether a value, once given, can be removed.</summary>
public sealed record AttributeDefinition(string Key, string Type, IReadOnlyList<string> Values, bool Required, string? Label, DateTimeOffset UpdatedAt)
{
    public const int MaxTextLength = 400;

    /// <summary>The value in its stored, canonical form, or why it is not one this attribute takes.</summary>
    public (string? Value, string? Problem) Canonical(JsonElement value) => (Type, value.ValueKind) switch
    {
        (AttributeType.Text, JsonValueKind.String) when value.GetString()!.Trim() is { Length: > 0 and <= MaxTextLength } text && !text.Contains('\0') => (text, null),
        (AttributeType.Text, _) => (null, $"Text of 1 to {MaxTextLength} characters."),
        (AttributeType.Number, JsonValueKind.Number) when value.TryGetDecimal(out var number) => (number.ToString(CultureInfo.InvariantCulture), null),
        // No thousands separator in text: read that way, a French "3,5" (a CSV import's cell, a form) was 35.
        (AttributeType.Number, JsonValueKind.String) when decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            => (parsed.ToString(CultureInfo.InvariantCulture), null),
        (AttributeType.Number, _) => (null, "A number, e.g. 12 or 4.5: a decimal point, no thousands separator."),
        (AttributeType.Boolean, JsonValueKind.True or JsonValueKind.False) => (value.GetBoolean() ? "true" : "false", null),
        // As text, also what spreadsheets write: TRUE / FALSE (Excel in English), VRAI / FAUX (in French), 1 / 0.
        (AttributeType.Boolean, JsonValueKind.String) when BooleanText(value.GetString()!) is { } truth => (truth ? "true" : "false", null),
        (AttributeType.Boolean, _) => (null, "true or false (as text also TRUE / FALSE, VRAI / FAUX or 1 / 0)."),
        (AttributeType.Date, JsonValueKind.String) when DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            => (date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null),
        (AttributeType.Date, _) => (null, "A date as yyyy-MM-dd."),
        (AttributeType.OneOf, JsonValueKind.String) when Values.Contains(value.GetString()!) => (value.GetString(), null),
        (AttributeType.OneOf, _) => (null, $"One of {string.Join(", ", Values)}."),
        _ => (null, "Not a value this attribute takes."),
    };

    private static bool? BooleanText(string text) => text.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "VRAI" or "1" => true,
        "FALSE" or "FAUX" or "0" => false,
        _ => null,
    };

    /// <summary>A value typed as text (a query string, a CSV cell, a form field): numbers and booleans are accepted as text too.</summary>
    public (string? Value, string? Problem) Canonical(string text) => Canonical(JsonSerializer.SerializeToElement(text));

    /// <summary>The stored text read back as JSON's own type (a number as a number, a boolean as a boolean).</summary>
    public object Typed(string stored) => Type switch
    {
        AttributeType.Number when decimal.TryParse(stored, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) => n,
        AttributeType.Boolean => stored == "true",
        _ => stored,
    };
}

public static partial class AttributeRules
{
    /// <summary>Checks a set of values against the schema; canonical values (null: remove) and errors keyed "{prefix}.{key}".</summary>
    public static (Dictionary<string, string?> Values, Dictionary<string, string[]> Errors) Check(IReadOnlyDictionary<string, JsonElement> given,
        IReadOnlyDictionary<string, AttributeDefinition> schema, string prefix)
    {
        var values = new Dictionary<string, string?>();
        var errors = new Dictionary<string, string[]>();
        if (given.Count > 100) errors[prefix] = ["At most 100 attributes at once."];
        foreach (var (key, value) in given)
        {
            if (!schema.TryGetValue(key, out var definition))
            {
                errors[$"{prefix}.{key}"] = [$"No attribute '{key}' is defined (GET /api/v1/contact-attributes lists them); unknown attributes are not kept."];
                continue;
            }
            if (value.ValueKind is JsonValueKind.Null)
            {
                if (definition.Required) errors[$"{prefix}.{key}"] = ["Required: it can be changed, not removed."];
                else values[key] = null;
                continue;
            }
            var (canonical, problem) = definition.Canonical(value);
            if (problem is not null) errors[$"{prefix}.{key}"] = [problem];
            else values[key] = canonical;
        }
        return (values, errors);
    }

    /// <summary>Problems with a definition, by field.</summary>
    public static Dictionary<string, string[]> CheckDefinition(string? key, string? type, IReadOnlyList<string>? values, string? label)
    {
        var errors = new Dictionary<string, string[]>();
        if (key is null || !KeyPattern().IsMatch(key)) errors["key"] = ["Lower-case letters, digits and '_', starting with a letter, up to 64 (e.g. tier, account_manager)."];
        if (type is null || !AttributeType.All.Contains(type)) errors["type"] = [$"One of {string.Join(", ", AttributeType.All)}."];
        if (type == AttributeType.OneOf && (values is not { Count: > 0 and <= 200 } || values.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > 100) || values.Distinct().Count() != values.Count))
            errors["values"] = ["1 to 200 distinct values of 1 to 100 characters."];
        if (type is not null && type != AttributeType.OneOf && values is { Count: > 0 }) errors["values"] = ["Only a one-of attribute lists values."];
        if (label is { Length: > 200 }) errors["label"] = ["Up to 200 characters."];
        return errors;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex KeyPattern();
}
