using ContactHub.Reports;

namespace ContactHub.Tests.Reports;

/// <summary>The period a schedule covers, in its time zone, across daylight-saving changes.</summary>
public sealed class ReportPeriodTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private static DateTimeOffset ParisTime(int year, int month, int day, int hour) =>
        new(new DateTime(year, month, day, hour, 0, 0), Paris.GetUtcOffset(new DateTime(year, month, day, hour, 0, 0)));

    [Fact]
    public void Previous_day_at_seven_on_26_october_covers_the_25_hours_of_the_25th()
    {
        var period = ReportPeriod.ForFiring(ReportPeriod.PreviousDay, ParisTime(2026, 10, 26, 7), Paris);
        Assert.Equal(new DateOnly(2026, 10, 25), period.FirstDay);
        Assert.Equal(new DateOnly(2026, 10, 25), period.LastDay);
        Assert.Equal(DateTimeOffset.Parse("2026-10-24T22:00:00Z"), period.From);
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T23:00:00Z"), period.To);
        Assert.Equal(TimeSpan.FromHours(25), period.To - period.From);
    }

    [Fact]
    public void Previous_day_at_seven_on_30_march_covers_the_23_hours_of_the_29th()
    {
        var period = ReportPeriod.ForFiring(ReportPeriod.PreviousDay, ParisTime(2026, 3, 30, 7), Paris);
        Assert.Equal(new DateOnly(2026, 3, 29), period.FirstDay);
        Assert.Equal(DateTimeOffset.Parse("2026-03-28T23:00:00Z"), period.From);
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T22:00:00Z"), period.To);
        Assert.Equal(TimeSpan.FromHours(23), period.To - period.From);
        Assert.Equal([TimeSpan.FromHours(23)], period.Days().Select(d => d.To - d.From));
    }

    [Theory]
    [InlineData("2026-11-23T07:00:00", ReportPeriod.PreviousWeek, "2026-11-16", "2026-11-22")] // a Monday
    [InlineData("2026-11-29T07:00:00", ReportPeriod.PreviousWeek, "2026-11-16", "2026-11-22")] // a Sunday: still the week before this one
    [InlineData("2026-11-01T06:00:00", ReportPeriod.PreviousMonth, "2026-10-01", "2026-10-31")]
    [InlineData("2026-03-01T06:00:00", ReportPeriod.PreviousMonth, "2026-02-01", "2026-02-28")]
    [InlineData("2026-11-23T07:00:00", ReportPeriod.MonthToDate, "2026-11-01", "2026-11-22")]
    [InlineData("2026-12-01T07:00:00", ReportPeriod.MonthToDate, "2026-11-30", "2026-11-30")]
    [InlineData("2026-01-01T00:30:00", ReportPeriod.PreviousDay, "2025-12-31", "2025-12-31")]
    public void Each_period_kind_covers_whole_local_days(string localFiring, string kind, string first, string last)
    {
        var local = DateTime.Parse(localFiring);
        var period = ReportPeriod.ForFiring(kind, new DateTimeOffset(local, Paris.GetUtcOffset(local)), Paris);
        Assert.Equal(DateOnly.Parse(first), period.FirstDay);
        Assert.Equal(DateOnly.Parse(last), period.LastDay);
    }

    [Fact]
    public void A_month_with_a_clock_change_has_one_day_of_25_hours_and_the_rest_of_24()
    {
        var october = new ReportPeriod(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), Paris);
        var lengths = october.Days().Select(d => (d.To - d.From).TotalHours).ToList();
        Assert.Equal(31, lengths.Count);
        Assert.Equal(30, lengths.Count(h => h == 24));
        Assert.Equal(25, lengths.Single(h => h != 24));
        Assert.Equal(october.To - october.From, TimeSpan.FromHours(31 * 24 + 1));
    }

    [Fact]
    public void A_zone_whose_midnight_does_not_exist_starts_the_day_at_its_first_instant()
    {
        // Santiago springs forward at 00:00 (to 01:00) on 6 September 2026.
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var day = new ReportPeriod(new DateOnly(2026, 9, 6), new DateOnly(2026, 9, 6), santiago);
        Assert.Equal(TimeSpan.FromHours(23), day.To - day.From);
        Assert.Equal(new DateTime(2026, 9, 6, 1, 0, 0), TimeZoneInfo.ConvertTime(day.From, santiago).DateTime);
    }
}
