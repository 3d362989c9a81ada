using System.Data;
using System.Globalization;
using Dapper;

namespace ContactHub.Data;

/// <summary>Dapper settings shared by every store: snake_case columns and UTC timestamps on every engine.</summary>
internal static class DapperSetup
{
    private static int _configured;

    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new UtcDateTimeOffsetHandler());
    }

    /// <summary>
    /// SQLite hands timestamps back as text and PostgreSQL as UTC DateTime; both become UTC DateTimeOffset.
    /// Values are written in UTC so that SQLite's text compares in time order.
    /// </summary>
    private sealed class UtcDateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) =>
            parameter.Value = value.ToUniversalTime();

        public override DateTimeOffset Parse(object value) => ParseTimestamp(value);
    }

    public static DateTimeOffset ParseTimestamp(object value) => value switch
    {
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind)).ToUniversalTime(),
        string text => TryParseStoredUtc(text, out var stored) ? stored
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new DataException($"Cannot read a timestamp from {value.GetType().Name}."),
    };

    /// <summary>
    /// The one shape SQLite hands back for what the service wrote — UTC as "yyyy-MM-dd HH:mm:ss[.fffffff]+00:00" — read directly:
    /// the general parser cost ~0.5 µs a value, and a month's report reads a million and a half of them (service levels, demand by
    /// hour). Anything else (another offset, a 'T', a 'Z', fewer digits) is left to <see cref="DateTimeOffset.Parse(string, IFormatProvider, DateTimeStyles)"/>.
    /// </summary>
    public static bool TryParseStoredUtc(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 25 || !text.EndsWith("+00:00") || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':') return false;
        if (!Digits(text[..4], out var year) || !Digits(text[5..7], out var month) || !Digits(text[8..10], out var day)
            || !Digits(text[11..13], out var hour) || !Digits(text[14..16], out var minute) || !Digits(text[17..19], out var second)) return false;
        var fraction = text[19..^6];
        long ticks = 0;
        if (fraction.Length > 0)
        {
            if (fraction[0] != '.' || fraction.Length is < 2 or > 8 || !Digits(fraction[1..], out var digits)) return false;
            ticks = digits;
            for (var n = fraction.Length - 1; n < 7; n++) ticks *= 10;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks));
        return true;

        static bool Digits(ReadOnlySpan<char> span, out int number)
        {
            number = 0;
            foreach (var c in span)
            {
                if (c is < '0' or > '9') return false;
                number = number * 10 + (c - '0');
            }
            return true;
        }
    }
}
