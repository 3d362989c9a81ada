using ContactHub.Hosting;

namespace ContactHub.Tests.Hosting;

/// <summary>The one rule for times people type (see <see cref="LocalTimes"/>), across Paris's daylight-saving changes.</summary>
public sealed class LocalTimesTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private static DateTimeOffset Read(string text, bool endOfDay = false)
    {
        Assert.True(LocalTimes.TryRead(text, Paris, endOfDay, out var at), $"'{text}' should be read");
        Assert.Equal(TimeSpan.Zero, at.Offset);
        return at;
    }

    [Theory]
    [InlineData("2026-11-26T09:30", "2026-11-26T08:30:00Z")] // a datetime-local field: wall clock in Paris (UTC+1)
    [InlineData("2026-07-01 09:30:15", "2026-07-01T07:30:15Z")] // summer time (UTC+2)
    [InlineData("2026-11-26T09:30:00+05:00", "2026-11-26T04:30:00Z")] // an offset says the instant, whatever the zone
    [InlineData("2026-11-26T09:30:00Z", "2026-11-26T09:30:00Z")]
    [InlineData("2026-03-29T02:30", "2026-03-29T01:00:00Z")] // in the spring gap: the first instant after it (03:00 CEST)
    [InlineData("2026-10-25T02:30", "2026-10-25T00:30:00Z")] // ambiguous: its first occurrence (still CEST)
    [InlineData("2026-11-26 09:30:00+01", "2026-11-26T08:30:00Z")] // PostgreSQL's text for a timestamptz: another system's export
    [InlineData("2026-07-01 09:30:00.123456+05:30", "2026-07-01T04:00:00.123456Z")]
    [InlineData("2026-11-26T09:30:00-0500", "2026-11-26T14:30:00Z")] // ISO 8601's basic offset
    [InlineData("2026-11-26 09:30:00.0000000 +01:00", "2026-11-26T08:30:00Z")] // SQL Server's text for a datetimeoffset
    public void A_moment_is_read_by_the_rule(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), Read(text));

    [Fact]
    public void A_date_alone_is_the_whole_local_day()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T23:00:00Z"), Read("2026-11-26"));
        Assert.Equal(DateTimeOffset.Parse("2026-11-26T23:00:00Z"), Read("2026-11-26", endOfDay: true));
        // The day clocks go back lasts 25 hours, the day they go forward 23.
        Assert.Equal(TimeSpan.FromHours(25), Read("2026-10-25", endOfDay: true) - Read("2026-10-25"));
        Assert.Equal(TimeSpan.FromHours(23), Read("2026-03-29", endOfDay: true) - Read("2026-03-29"));
    }

    [Theory]
    [InlineData("26/11/2026")]
    [InlineData("yesterday")]
    [InlineData("2026-11-26T09:30:00+5")] // an offset is ±hh:mm, ±hhmm or ±hh
    [InlineData("2026-11-26T09:30:00+123")]
    [InlineData("2026-02-30")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_refused(string? text) =>
        Assert.False(LocalTimes.TryRead(text, Paris, endOfDay: false, out _));

    [Theory]
    [InlineData("2026-11-26 09:30:00+01", "2026-11-26T08:30:00Z")]
    [InlineData("2026-11-26T09:30:00+0100", "2026-11-26T08:30:00Z")]
    [InlineData("2026-11-26T09:30:00+01:00", "2026-11-26T08:30:00Z")]
    public void An_import_reads_the_offsets_other_systems_export(string text, string expected)
    {
        Assert.True(ContactHub.Conversations.ImportTimes.Iso.TryRead(text, out var at), text);
        Assert.Equal(DateTimeOffset.Parse(expected), at);
    }

    [Fact]
    public void The_last_representable_day_has_no_end_and_is_refused_not_thrown() =>
        Assert.False(LocalTimes.TryRead("9999-12-31", Paris, endOfDay: true, out _));

    [Theory]
    [InlineData("Paris")]
    [InlineData("")]
    [InlineData(null)]
    public void A_zone_not_found_is_UTC_for_the_caller_to_go_on_with(string? id)
    {
        Assert.False(LocalTimes.TryFindZone(id, out var zone));
        Assert.Same(TimeZoneInfo.Utc, zone);
    }
}
