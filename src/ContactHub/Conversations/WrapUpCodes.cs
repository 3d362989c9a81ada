using System.Text.RegularExpressions;

namespace ContactHub.Conversations;

/// <summary>A wrap-up (disposition) code as it stands now: its labels per language and group belong to its current version.</summary>
public sealed record WrapUpCode(string Code, IReadOnlyDictionary<string, string> Labels, string? Group, bool Active, long Version, DateTimeOffset UpdatedAt);

/// <summary>One version of a code's labels and group, as conversations wrapped up with it keep them.</summary>
public sealed record WrapUpCodeVersion(long Version, IReadOnlyDictionary<string, string> Labels, string? Group, DateTimeOffset CreatedAt);

/// <summary>A code a conversation (or one of its interactions) was wrapped up with, in the version it had then.</summary>
public sealed record AppliedWrapUp(long ConversationId, string Code, long Version, IReadOnlyDictionary<string, string> Labels, string? Group, long? InteractionId,
    string? AppliedBy, DateTimeOffset AppliedAt)
{
    /// <summary>The label in a language, else in English, else the code itself.</summary>
    public string Label(string language) => WrapUpCodeRules.Label(Labels, language, Code);
}

public static partial class WrapUpCodeRules
{
    public static string Label(IReadOnlyDictionary<string, string> labels, string language, string code) =>
        labels.GetValueOrDefault(language) ?? labels.GetValueOrDefault("en") ?? labels.Values.FirstOrDefault() ?? code;

    /// <summary>Problems with a code's definition, by field (empty when it is fine).</summary>
    public static Dictionary<string, string[]> Check(string? code, IReadOnlyDictionary<string, string>? labels, string? group, bool labelsRequired)
    {
        var errors = new Dictionary<string, string[]>();
        if (code is not null && !CodePattern().IsMatch(code)) errors["code"] = ["Lower-case letters, digits and dashes, up to 64 (e.g. booking-changed)."];
        if (labels is null) { if (labelsRequired) errors["labels"] = ["A label per language, at least English: {\"en\": \"Booking changed\", \"fr\": \"Réservation modifiée\"}."]; }
        else if (!labels.ContainsKey("en")) errors["labels"] = ["An English label (\"en\") at least: reports are written in English."];
        else if (labels.FirstOrDefault(l => !LanguagePattern().IsMatch(l.Key)) is { Key: { } badLanguage })
            errors[$"labels.{badLanguage}"] = ["A language code such as en, fr or pt-BR."];
        else if (labels.FirstOrDefault(l => string.IsNullOrWhiteSpace(l.Value) || l.Value.Length > 200) is { Key: { } badLabel })
            errors[$"labels.{badLabel}"] = ["Between 1 and 200 characters."];
        if (group is { Length: > 100 }) errors["group"] = ["Up to 100 characters."];
        return errors;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z]{2,4})?$")]
    private static partial Regex LanguagePattern();
}
