using ContactHub.Reports;

namespace ContactHub.Tests.Reports;

/// <summary>The text an email, a Teams card or a progress line shows for a figure: what the workbook's cell shows.</summary>
public sealed class CellValuesTests
{
    [Theory]
    [InlineData(456.6, "0:07:37")] // Excel and LibreOffice round [h]:mm:ss; truncated, the email said 0:07:36
    [InlineData(456.4, "0:07:36")]
    [InlineData(59.5, "0:01:00")]
    [InlineData(3725.0, "1:02:05")]
    [InlineData(90_000.0, "25:00:00")] // [h]: hours past a day
    [InlineData(-3.2, "-0:00:03")] // a change for the better
    [InlineData(0.0, "0:00:00")]
    public void A_duration_reads_as_the_workbook_shows_it(double seconds, string expected) =>
        Assert.Equal(expected, CellValues.Display(seconds, ColumnFormat.Duration, TimeZoneInfo.Utc));
}
