using System.Globalization;

namespace ContactHub.Reports;

/// <summary>
/// Database values as spreadsheet values: numbers as double, dates and times in the report's zone,
/// durations as days (Excel's unit), and customer text neutralised so that no spreadsheet evaluates it.
/// </summary>
public static class CellValues
{
    /// <summary>Text starting with one of these is a formula to Excel, LibreOffice and Google Sheets (CSV/formula injection).</summary>
    public static bool IsFormulaLike(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    public static string ExcelFormat(ColumnFormat format) => format switch
    {
        ColumnFormat.Integer => "#,##0",
        ColumnFormat.Id => "0", // an identifier, not a quantity: 1002, never 1,002
        ColumnFormat.Number => "#,##0.00",
        ColumnFormat.Percent => "0.0%",
        ColumnFormat.Date => "yyyy-mm-dd",
        ColumnFormat.Datetime => "yyyy-mm-dd hh:mm",
        ColumnFormat.Duration => "[h]:mm:ss",
        _ => "@",
    };

    /// <summary>A double, a DateTime (local to the zone) or a string.</summary>
    public static object? Convert(object? value, ColumnFormat format, TimeZoneInfo zone) => value switch
    {
        null or DBNull => null,
        _ when format is ColumnFormat.Integer or ColumnFormat.Number or ColumnFormat.Percent or ColumnFormat.Id => ToDouble(value),
        _ when format is ColumnFormat.Duration => ToDouble(value) is double seconds ? seconds / 86_400d : null,
        _ when format is ColumnFormat.Date => ToDate(value),
        _ when format is ColumnFormat.Datetime => ToInstant(value) is { } instant ? TimeZoneInfo.ConvertTime(instant, zone).DateTime : value.ToString(),
        _ when format is ColumnFormat.List => string.Join(",", (System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>The same value as display text (email bodies, progress lines).</summary>
    public static string Display(object? value, ColumnFormat format, TimeZoneInfo zone) => Convert(value, format, zone) switch
    {
        null => "",
        double d when format == ColumnFormat.Duration => Duration(TimeSpan.FromDays(d)),
        double d when format == ColumnFormat.Percent => d.ToString("0.0%", CultureInfo.InvariantCulture),
        double d when format == ColumnFormat.Integer => d.ToString("#,##0", CultureInfo.InvariantCulture),
        double d when format == ColumnFormat.Id => d.ToString("0", CultureInfo.InvariantCulture),
        double d => d.ToString("#,##0.##", CultureInfo.InvariantCulture),
        DateTime t when format == ColumnFormat.Date => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };

    /// <summary>
    /// [h]:mm:ss to the nearest second, as Excel and LibreOffice show the cell: truncated, the email's 0:07:36 was the
    /// workbook's 0:07:37.
    /// </summary>
    private static string Duration(TimeSpan t)
    {
        var seconds = (long)Math.Round(Math.Abs(t.TotalSeconds), MidpointRounding.AwayFromZero);
        return $"{(t < TimeSpan.Zero && seconds > 0 ? "-" : "")}{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}";
    }

    private static double? ToDouble(object value) => value switch
    {
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static object? ToDate(object value) => value switch
    {
        DateTime d => d.Date,
        DateTimeOffset o => o.Date,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        string s when DateOnly.TryParseExact(s.Length >= 10 ? s[..10] : s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) => d.ToDateTime(TimeOnly.MinValue),
        _ => value.ToString(),
    };

    public static DateTimeOffset? ToInstant(object? value) => value switch
    {
        DateTimeOffset o => o,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        string s when Data.DapperSetup.TryParseStoredUtc(s, out var stored) => stored,
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var o) => o,
        _ => null,
    };
}
