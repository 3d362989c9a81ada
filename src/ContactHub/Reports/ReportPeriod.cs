using ContactHub.Hosting;

namespace ContactHub.Reports;

/// <summary>
/// A reporting period: whole local days [FirstDay, LastDay] in a time zone, and the UTC instants
/// that bound them. Local midnights are converted one by one, so a day is 23, 24 or 25 hours long
/// as the calendar says.
/// </summary>
public sealed record ReportPeriod(DateOnly FirstDay, DateOnly LastDay, TimeZoneInfo TimeZone)
{
    public const string PreviousDay = "previous-day";
    public const string PreviousWeek = "previous-week";
    public const string PreviousMonth = "previous-month";
    public const string MonthToDate = "month-to-date";

    public static readonly IReadOnlyList<string> Kinds = [PreviousDay, PreviousWeek, PreviousMonth, MonthToDate];

    /// <summary>The longest period a report may cover (one query parameter pair per day).</summary>
    public const int MaxDays = 400;

    public DateTimeOffset From => StartOf(FirstDay);

    public DateTimeOffset To => StartOf(LastDay.AddDays(1));

    public int DayCount => LastDay.DayNumber - FirstDay.DayNumber + 1;

    public IEnumerable<(DateOnly Day, DateTimeOffset From, DateTimeOffset To)> Days()
    {
        for (var day = FirstDay; day <= LastDay; day = day.AddDays(1))
            yield return (day, StartOf(day), StartOf(day.AddDays(1)));
    }

    /// <summary>
    /// The period to compare with: the calendar month before when this is a whole month, else as many days ending the day before.
    /// </summary>
    public ReportPeriod Previous()
    {
        var wholeMonth = FirstDay.Day == 1 && LastDay == FirstDay.AddMonths(1).AddDays(-1);
        return wholeMonth
            ? new ReportPeriod(FirstDay.AddMonths(-1), FirstDay.AddDays(-1), TimeZone)
            : new ReportPeriod(FirstDay.AddDays(-DayCount), FirstDay.AddDays(-1), TimeZone);
    }

    public string Label => FirstDay == LastDay ? FirstDay.ToString("yyyy-MM-dd") : $"{FirstDay:yyyy-MM-dd} to {LastDay:yyyy-MM-dd}";

    /// <summary>The period a schedule of this kind covers when it fires at <paramref name="firedAt"/>.</summary>
    public static ReportPeriod ForFiring(string kind, DateTimeOffset firedAt, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(firedAt, zone).DateTime);
        return kind switch
        {
            PreviousDay => new(today.AddDays(-1), today.AddDays(-1), zone),
            // ISO weeks: the Monday-to-Sunday week before the one the firing falls in.
            PreviousWeek => new(today.AddDays(-((int)today.DayOfWeek + 6) % 7 - 7), today.AddDays(-((int)today.DayOfWeek + 6) % 7 - 1), zone),
            PreviousMonth => new(new DateOnly(today.Year, today.Month, 1).AddMonths(-1), new DateOnly(today.Year, today.Month, 1).AddDays(-1), zone),
            // Up to and including yesterday; on the 1st, the day before (the last day of the previous month) alone.
            MonthToDate => today.Day == 1 ? new(today.AddDays(-1), today.AddDays(-1), zone) : new(new DateOnly(today.Year, today.Month, 1), today.AddDays(-1), zone),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"One of {string.Join(", ", Kinds)}."),
        };
    }

    private DateTimeOffset StartOf(DateOnly day) => LocalTimes.StartOfDay(day, TimeZone);
}
