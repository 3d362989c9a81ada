using System.Text.RegularExpressions;

namespace ContactHub.Hosting;

/// <summary>
/// A setting whose value is not of its type ("Security:RequireHttps=yes please", "Retention:EventsDays=ten") makes the
/// configuration binder throw wherever the section is first read — while the service is composed or when its settings
/// are validated. This turns that exception into one line naming the key and what it takes, without echoing the value.
/// </summary>
public static partial class ConfigurationValues
{
    /// <summary>One line per unreadable setting found in the exception (or its inner ones), or null when it is not about a setting.</summary>
    public static string? Describe(Exception exception)
    {
        var lines = ExceptionChain.Of(exception).Select(e => e is not InvalidOperationException ? null
            : Unconvertible().Match(e.Message) is { Success: true } m ? $"{m.Groups["key"].Value} must be {Expected(m.Groups["type"].Value)}."
            : UnknownLogLevel().IsMatch(e.Message) ? $"Logging:LogLevel:… must be {Expected(typeof(LogLevel).FullName!)}." : null).OfType<string>().Distinct().ToList();
        return lines.Count == 0 ? null : string.Join(Environment.NewLine, lines);
    }

    private static string Expected(string typeName)
    {
        var type = Type.GetType(typeName) ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => $"a {typeName}",
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number (e.g. 0.8)",
            _ when type == typeof(TimeSpan) => "a duration written [d.]hh:mm:ss (e.g. 00:05:00 for five minutes)",
            _ when type == typeof(TimeOnly) => "a time of day written hh:mm (e.g. 08:30)",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time (ISO 8601, e.g. 2026-11-24T09:30:00Z)",
            _ when type == typeof(Uri) => "a URL (e.g. https://example.com/)",
            _ => $"a {type.Name}",
        };
    }

    // Microsoft.Extensions.Logging.Configuration, which does not name the key: "Configuration value '…' is not supported."
    [GeneratedRegex(@"^Configuration value '.*' is not supported\.$", RegexOptions.Singleline)]
    private static partial Regex UnknownLogLevel();

    // Microsoft.Extensions.Configuration.Binder: "Failed to convert configuration value '…' at 'Section:Key' to type 'System.Boolean'."
    [GeneratedRegex(@"^Failed to convert configuration value '.*' at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex Unconvertible();
}
