using System.Globalization;
using System.Text.RegularExpressions;

namespace ContactHub.Reports;

/// <summary>
/// When a scheduled report is worth sending: "missed_calls > 20" (a headline figure of the report — missedCalls is read as
/// missed_calls — compared with a number) or "service level below target" (any service level of the period missed its target).
/// </summary>
public sealed partial record SendCondition(string Text, string? Field, string? Operator, double Value)
{
    public const string ServiceLevelBelowTarget = "service level below target";

    public bool OnServiceLevels => Field is null;

    /// <summary>The condition, or why it cannot be one for this report (naming its figures).</summary>
    public static (SendCondition? Condition, string? Error) Parse(string text, ReportDefinition report)
    {
        var trimmed = text.Trim();
        if (Regex.Replace(trimmed, "([a-z])([A-Z])", "$1 $2").Equals(ServiceLevelBelowTarget, StringComparison.OrdinalIgnoreCase))
            return (new SendCondition(ServiceLevelBelowTarget, null, null, 0), null);
        var m = Comparison().Match(trimmed);
        var figures = report.Headlines?.Figures.Select(f => f.Field).ToList() ?? [];
        if (!m.Success)
            return (null, $"\"<figure> <op> <number>\" (op: > >= < <= = !=) with a figure of {report.Name} ({string.Join(", ", figures)}), or \"{ServiceLevelBelowTarget}\".");
        var field = Regex.Replace(m.Groups["field"].Value, "([a-z0-9])([A-Z])", "$1_$2").ToLowerInvariant();
        if (!figures.Contains(field))
            return (null, $"{report.Name} has no figure \"{m.Groups["field"].Value}\"; its figures: {string.Join(", ", figures)}.");
        return (new SendCondition(trimmed, field, m.Groups["op"].Value == "==" ? "=" : m.Groups["op"].Value,
            double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)), null);
    }

    /// <summary>Whether it holds for the period, and what the figure was (recorded when nothing is sent).</summary>
    public (bool Holds, string Why) Evaluate(ReportData data, IReadOnlyList<ServiceLevel> levels)
    {
        if (OnServiceLevels)
        {
            var missed = levels.Where(l => l.Met == false).Select(l => $"{l.Measure} ({l.Channel}) {l.Share:0%}").ToList();
            return (missed.Count > 0, missed.Count > 0 ? $"below target: {string.Join(", ", missed)}" : "every service level met its target");
        }
        var (column, value) = data.Headlines.First(h => h.Column.Field == Field);
        var number = CellValues.Convert(value, ColumnFormat.Number, data.Period.TimeZone) as double? ?? 0;
        var holds = Operator switch
        {
            ">" => number > Value, ">=" => number >= Value, "<" => number < Value, "<=" => number <= Value, "=" => number == Value, _ => number != Value,
        };
        return (holds, $"{column.Header} was {number.ToString("0.##", CultureInfo.InvariantCulture)}");
    }

    [GeneratedRegex(@"^(?<field>[A-Za-z_][A-Za-z0-9_]*)\s*(?<op>>=|<=|==|!=|>|<|=)\s*(?<value>-?\d+(?:\.\d+)?)$")]
    private static partial Regex Comparison();
}
