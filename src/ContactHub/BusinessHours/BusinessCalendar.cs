using System.Globalization;

namespace ContactHub.BusinessHours;

/// <summary>A day's holiday or exceptional closure, by local date.</summary>
public sealed record Holiday(DateOnly Date, string? Name);

/// <summary>
/// Weekly opening hours in a time zone ("monday": [["09:00", "18:00"]]), holidays and closures. Times are local wall-clock
/// times: 09:00 in Paris is 08:00 UTC in winter and 07:00 in summer, and the night the clocks change is as long as it is.
/// </summary>
public sealed record BusinessCalendar(long Id, string Name, string TimeZone, IReadOnlyDictionary<string, IReadOnlyList<string[]>> Weekly,
    IReadOnlyList<Holiday> Holidays, bool IsDefault, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static readonly string[] Days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    public BusinessHoursRules Rules() => BusinessHoursRules.From(this);
}

/// <summary>The arithmetic of a calendar: open or not, the next change, and how much business time lies between two instants.</summary>
public sealed class BusinessHoursRules
{
    private readonly TimeZoneInfo _zone;
    private readonly Dictionary<DayOfWeek, (TimeSpan Start, TimeSpan End)[]> _weekly;
    private readonly HashSet<DateOnly> _closed;

    private BusinessHoursRules(TimeZoneInfo zone, Dictionary<DayOfWeek, (TimeSpan, TimeSpan)[]> weekly, HashSet<DateOnly> closed) =>
        (_zone, _weekly, _closed) = (zone, weekly, closed);

    public static BusinessHoursRules From(BusinessCalendar calendar)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(calendar.TimeZone);
        var weekly = new Dictionary<DayOfWeek, (TimeSpan, TimeSpan)[]>();
        foreach (var (day, intervals) in calendar.Weekly)
            weekly[DayOf(day)] = intervals.Select(i => (Time(i[0]), Time(i[1]))).OrderBy(i => i.Item1).ToArray();
        return new BusinessHoursRules(zone, weekly, calendar.Holidays.Select(h => h.Date).ToHashSet());
    }

    public static DayOfWeek DayOf(string day) => day switch
    {
        "monday" => DayOfWeek.Monday, "tuesday" => DayOfWeek.Tuesday, "wednesday" => DayOfWeek.Wednesday, "thursday" => DayOfWeek.Thursday,
        "friday" => DayOfWeek.Friday, "saturday" => DayOfWeek.Saturday, "sunday" => DayOfWeek.Sunday,
        _ => throw new ArgumentOutOfRangeException(nameof(day), day, "a day of the week"),
    };

    /// <summary>"09:00" → 9 h; "24:00" is the end of the day.</summary>
    public static TimeSpan Time(string text) => text == "24:00" ? TimeSpan.FromDays(1)
        : TimeSpan.ParseExact(text, "hh\\:mm", CultureInfo.InvariantCulture);

    /// <summary>The opening intervals (UTC) that overlap [from, to), clipped to it.</summary>
    public IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Open(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) yield break;
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, _zone).DateTime).AddDays(-1);
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, _zone).DateTime).AddDays(1);
        for (var date = first; date <= last; date = date.AddDays(1))
        {
            if (_closed.Contains(date) || !_weekly.TryGetValue(date.DayOfWeek, out var intervals)) continue;
            foreach (var (start, end) in intervals)
            {
                var s = Utc(date, start);
                var e = Utc(date, end);
                if (e <= from || s >= to) continue;
                yield return (s < from ? from : s, e > to ? to : e);
            }
        }
    }

    /// <summary>Business time between two instants: what of it falls in opening hours (Friday 17:55 → Monday 09:05 is 10 minutes with 09:00–18:00).</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to) =>
        Open(from, to).Aggregate(TimeSpan.Zero, (sum, i) => sum + (i.End - i.Start));

    public bool IsOpen(DateTimeOffset at) => Open(at, at.AddTicks(1)).Any();

    /// <summary>When the state (open or closed) next changes after <paramref name="at"/>; null when it never does within a year.</summary>
    public DateTimeOffset? NextChange(DateTimeOffset at)
    {
        var open = IsOpen(at);
        for (var window = at; window < at.AddDays(370); window = window.AddDays(7))
        {
            var intervals = Open(window, window.AddDays(7)).OrderBy(i => i.Start).ToList();
            foreach (var (start, end) in Merge(intervals))
            {
                if (open && end > at) return end;
                if (!open && start > at) return start;
            }
        }
        return null;
    }

    /// <summary>Adjacent intervals (18:00–24:00 then 00:00–06:00) are one opening.</summary>
    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Merge(List<(DateTimeOffset Start, DateTimeOffset End)> sorted)
    {
        (DateTimeOffset Start, DateTimeOffset End)? current = null;
        foreach (var i in sorted)
        {
            if (current is { } c && i.Start <= c.End) current = (c.Start, i.End > c.End ? i.End : c.End);
            else
            {
                if (current is { } done) yield return done;
                current = i;
            }
        }
        if (current is { } rest) yield return rest;
    }

    /// <summary>
    /// The instant a local wall-clock time happens. A time the clocks skip (02:30 on the spring-forward night) is when the clocks
    /// resume; a time that happens twice (02:30 on the fall-back night) is its first occurrence.
    /// </summary>
    private DateTimeOffset Utc(DateOnly date, TimeSpan time)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).Add(time);
        while (_zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        var offset = _zone.IsAmbiguousTime(local) ? _zone.GetAmbiguousTimeOffsets(local).Max() : _zone.GetUtcOffset(local);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset).ToUniversalTime();
    }
}
