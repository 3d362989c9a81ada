using System.Globalization;

namespace ContactHub.Hosting;

/// <summary>
/// The one rule for times people type: a value with an offset (Z, +01:00) is that instant; a date and time without one
/// (an HTML datetime-local field) is a wall-clock time in the person's zone; a date alone is a whole local day there.
/// DST-safe: a wall-clock time in the spring gap moves to the first instant after it, an ambiguous one takes its first
/// occurrence.
/// </summary>
public static class LocalTimes
{
    /// <summary>What a query's moment may be, for its error: <paramref name="zone"/> names where a local one is read.</summary>
    public static string Expected(string zone = "timeZone") =>
        $"A date (a whole local day in {zone}), a local date and time there, or an instant with its offset, e.g. 2026-11-25, 2026-11-25T09:00 or 2026-11-25T08:00:00Z.";

    /// <summary>
    /// A moment typed in a query's <paramref name="field"/>, or null when none was given; one that does not read adds the
    /// field's error (<see cref="Expected"/>, or <paramref name="expected"/>) and is null too.
    /// </summary>
    public static DateTimeOffset? ReadField(string? text, TimeZoneInfo zone, bool endOfDay, string field, IDictionary<string, string[]> errors, string? expected = null)
    {
        if (text is null) return null;
        if (TryRead(text, zone, endOfDay, out var at)) return at;
        errors[field] = [expected ?? Expected()];
        return null;
    }

    private static readonly string[] DateTimeFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    /// <summary>The zone named <paramref name="id"/>; UTC when there is none by that name (the caller reports the name), never null.</summary>
    public static bool TryFindZone(string? id, out TimeZoneInfo zone)
    {
        // TryFindSystemTimeZoneById sets its out value to null when it fails: given as ours, an unknown zone and a date
        // alone were a 500 (exports, report runs) instead of the 400 naming timeZone.
        if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found))
        {
            zone = found;
            return true;
        }
        zone = TimeZoneInfo.Utc;
        return false;
    }

    /// <summary>The instant a local day starts (where midnight does not exist, the first instant after it).</summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone) => Instant(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);

    /// <summary>The instant a wall-clock time in a zone is.</summary>
    public static DateTimeOffset Instant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        // An ambiguous time (clocks going back) is its first occurrence: the larger offset.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>
    /// Reads what a person typed for a moment in <paramref name="zone"/>. A date alone is the start of that local day, or,
    /// with <paramref name="endOfDay"/> (the end of a range), the start of the next one, so that "to=2026-11-26" includes the 26th.
    /// </summary>
    public static bool TryRead(string? text, TimeZoneInfo zone, bool endOfDay, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        try
        {
            return TryReadCore(text, zone, endOfDay, out at);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // 9999-12-31 and its like: no instant after it
        }
    }

    private static bool TryReadCore(string text, TimeZoneInfo zone, bool endOfDay, out DateTimeOffset at)
    {
        at = default;
        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            at = StartOfDay(endOfDay ? day.AddDays(1) : day, zone);
            return true;
        }
        if (DateTime.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            at = Instant(local, zone);
            return true;
        }
        // Anything else must say its offset (ISO 8601 with Z or ±hh:mm).
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var given) && HasOffset(text))
        {
            at = given.ToUniversalTime();
            return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the text ends with an offset after its time of day: Z, ±hh:mm, or ISO 8601's basic ±hhmm and ±hh — what
    /// PostgreSQL writes a timestamptz as ("2026-11-25 09:30:00+01"), so that history exported from another system reads.
    /// </summary>
    internal static bool HasOffset(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return false;
        if (text[^1] is 'Z' or 'z') return true;
        var sign = text.LastIndexOfAny('+', '-');
        var colon = text.IndexOf(':');
        if (sign < 0 || colon < 0 || colon > sign) return false; // "2026-11-25" ends with "-25": a date, not an offset
        var offset = text[(sign + 1)..];
        return offset.Length switch
        {
            5 => offset[2] == ':' && !offset[..2].ContainsAnyExceptInRange('0', '9') && !offset[3..].ContainsAnyExceptInRange('0', '9'),
            4 or 2 => !offset.ContainsAnyExceptInRange('0', '9'),
            _ => false,
        };
    }
}
