using ContactHub.Reports;

namespace ContactHub.Tests.Reports;

/// <summary>What a report's chart draws: every day of the period, and categories a manager can read.</summary>
public sealed class ReportChartTests
{
    private static ReportData Data(ReportColumn x, IEnumerable<object?[]> rows, DateOnly first, DateOnly last)
    {
        var sheet = new ReportSheet("Sheet", "", [x, new ReportColumn("Interactions", "count", ColumnFormat.Integer)]);
        var report = new ReportDefinition { Name = "r", Title = "R", Sheets = [sheet] };
        return new ReportData(report, new ReportPeriod(first, last, TimeZoneInfo.Utc), [], [new SheetData(sheet, rows.ToList(), false)], DateTimeOffset.UtcNow);
    }

    private static readonly ReportChart Chart = new("Chart", "Sheet", "x", "count");

    [Fact]
    public void A_quarters_daily_chart_shows_the_whole_quarter_by_month()
    {
        // A row per day and channel, as the activity summary's daily sheet: 92 days of a quarter, 2 each.
        var first = new DateOnly(2026, 7, 1);
        var rows = Enumerable.Range(0, 92).SelectMany(d => new[] { new object?[] { first.AddDays(d).ToString("yyyy-MM-dd"), 1L }, [first.AddDays(d).ToString("yyyy-MM-dd"), 2L] });

        var points = ReportChartImage.Points(Data(new ReportColumn("Day", "x", ColumnFormat.Date), rows, first, first.AddDays(91)), Chart);

        // It stopped at the 62nd day: September was not drawn.
        Assert.Equal([("Jul 2026", 93.0), ("Aug 2026", 93.0), ("Sep 2026", 90.0)], points);
    }

    [Fact]
    public void A_months_daily_chart_has_a_bar_a_day_in_order()
    {
        var first = new DateOnly(2026, 11, 1);
        var rows = Enumerable.Range(0, 30).Reverse().Select(d => new object?[] { first.AddDays(d).ToString("yyyy-MM-dd"), (long)d });

        var points = ReportChartImage.Points(Data(new ReportColumn("Day", "x", ColumnFormat.Date), rows, first, first.AddDays(29)), Chart);

        Assert.Equal(30, points.Count);
        Assert.Equal(("1 Nov", 0.0), points[0]);
        Assert.Equal(("30 Nov", 29.0), points[^1]);
    }

    [Fact]
    public void A_day_without_activity_is_a_bar_of_zero_in_its_place()
    {
        // November with the centre closed on Sundays, and nothing yet on the 30th (a month-to-date run in the morning).
        var first = new DateOnly(2026, 11, 1);
        var open = Enumerable.Range(0, 29).Where(d => first.AddDays(d).DayOfWeek != DayOfWeek.Sunday).ToList();
        var rows = open.Select(d => new object?[] { first.AddDays(d).ToString("yyyy-MM-dd"), 10L });

        var points = ReportChartImage.Points(Data(new ReportColumn("Day", "x", ColumnFormat.Date), rows, first, first.AddDays(29)), Chart);

        // Before: 25 bars, Saturday next to Monday and the axis ending on the 29th.
        Assert.Equal(30, points.Count);
        Assert.Equal(("1 Nov", 0.0), points[0]); // a Sunday
        Assert.Equal(("2 Nov", 10.0), points[1]);
        Assert.Equal(("8 Nov", 0.0), points[7]);
        Assert.Equal(("30 Nov", 0.0), points[^1]);
        Assert.Equal(open.Count * 10.0, points.Sum(p => p.Value));
    }

    [Fact]
    public void Many_categories_show_the_largest_and_the_rest_as_one_bar()
    {
        // A month's channel combinations: a hundred of them, most rare; the largest last in the sheet's order.
        var rows = Enumerable.Range(0, 100).Select(n => new object?[] { $"combination-{n:D3}", (long)(n == 99 ? 5_000 : 100 - n) });

        var points = ReportChartImage.Points(Data(new ReportColumn("Channels", "x"), rows, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), Chart);

        Assert.Equal(ReportChartImage.MaxCategories, points.Count);
        Assert.Equal(("combination-099", 5_000.0), points[0]);
        Assert.Equal(("combination-000", 100.0), points[1]);
        var rest = Enumerable.Range(ReportChartImage.MaxCategories - 2, 99 - (ReportChartImage.MaxCategories - 2)).Sum(n => 100.0 - n);
        Assert.Equal(($"{99 - (ReportChartImage.MaxCategories - 2)} others", rest), points[^1]);
        Assert.Equal(rows.Sum(r => (double)(long)r[1]!), points.Sum(p => p.Value)); // nothing lost
    }
}
