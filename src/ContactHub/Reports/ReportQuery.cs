using System.Text;
using ContactHub.Data;
using Dapper;

namespace ContactHub.Reports;

/// <summary>Turns a report's portable query into this engine's text and its parameters for one period.</summary>
public static class ReportQuery
{
    public const string DaysToken = "{REPORT_DAYS}";

    public static (string Sql, DynamicParameters Parameters) Render(SqlDialect dialect, string portable, ReportPeriod period, ReportScope? scope = null)
    {
        var parameters = new DynamicParameters();
        parameters.Add("from", period.From);
        parameters.Add("to", period.To);
        portable = ReportScope.Apply(portable, scope, parameters);
        if (!portable.Contains(DaysToken, StringComparison.Ordinal)) return (dialect.Render(portable), parameters);

        // The period's local days as a derived table: SELECT … UNION ALL SELECT … is the one form all three engines take.
        var days = new StringBuilder("(");
        var i = 0;
        foreach (var (day, from, to) in period.Days())
        {
            if (i > 0) days.Append(" UNION ALL ");
            days.Append($"SELECT '{day:yyyy-MM-dd}' AS day, @d{i}_from AS day_from, @d{i}_to AS day_to");
            parameters.Add($"d{i}_from", from);
            parameters.Add($"d{i}_to", to);
            i++;
        }
        days.Append(')');
        return (dialect.Render(portable.Replace(DaysToken, days.ToString(), StringComparison.Ordinal)), parameters);
    }
}
