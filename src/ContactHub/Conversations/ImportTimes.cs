using System.Globalization;
using ContactHub.Hosting;

namespace ContactHub.Conversations;

/// <summary>
/// How an import reads its times: ISO 8601, as <see cref="LocalTimes"/> reads what people type (with an offset, that instant;
/// without one, a wall-clock time in <see cref="Zone"/>; a date alone, the start of that day there), or a layout the file
/// uses (<c>--date-format "dd/MM/yyyy HH:mm"</c>, what French Excel writes), read as a wall-clock time too. Nothing else:
/// read with the invariant culture's rules "01/02/2026" was the 2nd of January, so half of a day-first file was a month off
/// and the other half refused.
/// </summary>
/// <param name="Formats">.NET custom layouts without an offset, tried in order after ISO 8601.</param>
public sealed record ImportTimes(TimeZoneInfo Zone, IReadOnlyList<string> Formats)
{
    public static readonly ImportTimes Iso = new(TimeZoneInfo.Utc, []);

    /// <summary>The layouts of <c>--date-format</c>, several separated by <c>|</c>; null when one is not a layout of a wall-clock time.</summary>
    public static IReadOnlyList<string>? ParseFormats(string option)
    {
        var formats = option.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // An offset in the layout (z, K) would be converted to this machine's zone by DateTime: offsets come in ISO 8601. One
        // letter is a standard format ("d", "g"), not a layout.
        return formats.Length > 0 && formats.All(f => f.Length > 1 && f.IndexOfAny(['z', 'K']) < 0) ? formats : null;
    }

    // What most files hold, read first (an import reads one or two a row): ISO 8601 with its offset.
    private static readonly string[] WithOffset = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"];

    public bool TryRead(string text, out DateTimeOffset at)
    {
        if (LocalTimes.HasOffset(text) && DateTimeOffset.TryParseExact(text, WithOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out at))
        {
            at = at.ToUniversalTime();
            return true;
        }
        if (LocalTimes.TryRead(text, Zone, endOfDay: false, out at)) return true;
        if (Formats.Count > 0 && DateTime.TryParseExact(text.Trim(), [.. Formats], CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var local))
        {
            at = LocalTimes.Instant(local, Zone);
            return true;
        }
        return false;
    }

    /// <summary>What a row that is not a time is told.</summary>
    public string Expected(string example) => Formats.Count == 0
        ? $"Not a date and time (ISO 8601, e.g. {example}; a file in another layout is imported with --date-format, e.g. \"dd/MM/yyyy HH:mm\")."
        : $"Not a date and time (ISO 8601, e.g. {example}, or {string.Join(" or ", Formats)}).";
}
