using System.Globalization;

namespace ContactHub.Reports;

/// <summary>A headline figure beside its previous period: the change, as a value and a percentage with an arrow, and whether it is good news.</summary>
public sealed record Comparison(double? Current, double? Previous, double? Change, double? Percent, string Arrow, bool? Good)
{
    public static Comparison Of(ReportColumn column, object? current, object? previous, TimeZoneInfo zone)
    {
        var now = CellValues.Convert(current, column.Format, zone) as double?;
        var before = CellValues.Convert(previous, column.Format, zone) as double?;
        double? change = now is { } a && before is { } b ? a - b : null;
        double? percent = change is { } c && before is { } p && p != 0 ? c / Math.Abs(p) : null;
        var arrow = change switch { > 0 => "▲", < 0 => "▼", 0 => "=", _ => "" };
        bool? good = change is null or 0 ? null : column.Better switch
        {
            "higher" => change > 0,
            "lower" => change < 0,
            _ => null,
        };
        return new Comparison(now, before, change, percent, arrow, good);
    }

    /// <summary>"▲ 12.5%", "▼ 3.0%", "=", or "new" when there was nothing to compare with.</summary>
    public string Text => Change is 0 ? "="
        : Percent is { } p ? $"{Arrow} {Math.Abs(p).ToString("0.0%", CultureInfo.InvariantCulture)}"
        : Current is not null && Previous is null or 0 ? "new" : "";
}
