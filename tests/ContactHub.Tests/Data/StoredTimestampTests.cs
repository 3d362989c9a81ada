using System.Globalization;
using ContactHub.Data;
using Microsoft.Data.Sqlite;

namespace ContactHub.Tests.Data;

/// <summary>The direct reading of SQLite's stored UTC text agrees with the general parser, and declines every other shape.</summary>
public sealed class StoredTimestampTests
{
    [Fact]
    public async Task What_sqlite_stores_for_an_instant_reads_back_as_that_instant()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var random = new Random(7);
        var instants = new List<DateTimeOffset>
        {
            new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999),
            new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1_000_000), new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1),
        };
        for (var i = 0; i < 500; i++) instants.Add(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks((long)(random.NextDouble() * TimeSpan.FromDays(365 * 40).Ticks)));

        foreach (var instant in instants)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT @at";
            command.Parameters.AddWithValue("@at", instant); // written as the stores write it (UTC)
            var text = (string)(await command.ExecuteScalarAsync())!;

            Assert.True(DapperSetup.TryParseStoredUtc(text, out var read), text);
            Assert.Equal(instant, read);
            Assert.Equal(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture), read);
        }
    }

    [Theory]
    [InlineData("2026-11-26T09:30:00+00:00")]   // ISO 'T'
    [InlineData("2026-11-26 09:30:00Z")]
    [InlineData("2026-11-26 09:30:00+02:00")]   // another offset
    [InlineData("2026-11-26 09:30:00.+00:00")]
    [InlineData("2026-11-26 09:30:00.12345678+00:00")]
    [InlineData("2026-02-30 09:30:00+00:00")]   // no such day
    [InlineData("2026-11-26 24:00:00+00:00")]
    [InlineData("2026-1l-26 09:30:00+00:00")]
    [InlineData("0000-01-01 00:00:00+00:00")]   // no year 0: declined, not thrown
    public void Any_other_shape_is_left_to_the_general_parser(string text)
    {
        Assert.False(DapperSetup.TryParseStoredUtc(text, out _));
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var expected))
            Assert.Equal(expected, DapperSetup.ParseTimestamp(text));
    }
}
