using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContactHub.Reports;

/// <summary>
/// One report of the catalogue, read from <c>reports/&lt;name&gt;.json</c>. Queries are portable SQL with
/// <c>@from</c>, <c>@to</c> (UTC instants bounding the period), the dialect's tokens (<c>{DAY:col}</c>, <c>{LIMIT:n}</c> …)
/// and <c>{REPORT_DAYS}</c>: a derived table of the period's local days (<c>day</c>, <c>day_from</c>, <c>day_to</c>).
/// </summary>
public sealed record ReportDefinition
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Headline figures: one query returning one row; each figure is one of its columns.</summary>
    public ReportHeadlines? Headlines { get; init; }
    public IReadOnlyList<ReportSheet> Sheets { get; init; } = [];
    public ReportChart? Chart { get; init; }

    /// <summary>More charts under the first (a channel mix beside the daily volume).</summary>
    public IReadOnlyList<ReportChart> MoreCharts { get; init; } = [];

    /// <summary>Every chart of the report, the main one first.</summary>
    [JsonIgnore] public IEnumerable<ReportChart> AllCharts => Chart is null ? MoreCharts : MoreCharts.Prepend(Chart);
    /// <summary>Metric definitions printed on the About sheet.</summary>
    public IReadOnlyDictionary<string, string> Definitions { get; init; } = new Dictionary<string, string>();

    /// <summary>The file it was read from (for messages).</summary>
    [JsonIgnore] public string File { get; init; } = "";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };
}

public sealed record ReportHeadlines(string Sql, IReadOnlyList<ReportColumn> Figures);

/// <summary>One Excel table. A <c>detail</c> sheet (one row per record) is capped at Reports:MaxDetailRows.</summary>
/// <param name="Source">A sheet computed in code (<see cref="IReportSource"/>, e.g. "service-levels") instead of by SQL.</param>
/// <param name="HeatMap">Colours the sheet's numbers from white (least) to red (most): a conditional format, so it stays live if edited.</param>
public sealed record ReportSheet(string Name, string Sql, IReadOnlyList<ReportColumn> Columns, bool Detail = false, string? Description = null, string? Source = null,
    bool HeatMap = false);

/// <param name="Better">For a headline figure: whether more is good ("higher"), bad ("lower"), or neither (left out): the colour of its change.</param>
public sealed record ReportColumn(string Header, string Field, ColumnFormat Format = ColumnFormat.Text, double? Width = null, ColumnTotal Total = ColumnTotal.None,
    string? Better = null);

/// <summary>A bar chart of one sheet: the sum of <c>y</c> for each value of <c>x</c>, in the sheet's order.</summary>
public sealed record ReportChart(string Title, string Sheet, string X, string Y);

/// <summary>How a column's values are written: durations are seconds; a list is comma-separated text (empty items dropped).</summary>
public enum ColumnFormat { Text, Integer, Number, Percent, Date, Datetime, Duration, List, Id }

public enum ColumnTotal { None, Sum, Average, Count, Label }
