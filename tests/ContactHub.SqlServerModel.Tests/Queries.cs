using System.Reflection;
using System.Text.RegularExpressions;
using ContactHub.Data;
using ContactHub.Reports;

namespace ContactHub.SqlServerModel.Tests;

/// <summary>A T-SQL text as ContactHub sends it to SQL Server, and the parameter types the code sends with it where they are known.</summary>
public sealed record Query(string Name, string Sql, IReadOnlyDictionary<string, string> KnownTypes);

/// <summary>Every text ContactHub sends: each const …Sql of the service and each report of the catalogue, rendered by the SQL Server dialect.</summary>
public static partial class Queries
{
    private static readonly SqlServerDialect Dialect = new();

    public static IReadOnlyList<Query> All { get; } = [.. Store(), .. Catalogue()];

    /// <summary>
    /// The stores' texts; Dapper expands "IN @list" into "IN (@list1, @list2, …)" before anything reaches the server. An insert
    /// that a batch writes for several rows at once (<see cref="RowsInsert"/>) comes in its two-row form too.
    /// </summary>
    private static IEnumerable<Query> Store() =>
        typeof(Migrator).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string) && f.Name.EndsWith("Sql", StringComparison.Ordinal))
                .SelectMany(f => Forms($"{t.Name}.{f.Name}", InList().Replace(Dialect.Render((string)f.GetRawConstantValue()!), "IN ($1)"))));

    private static IEnumerable<Query> Forms(string name, string sql)
    {
        yield return new Query(name, sql, new Dictionary<string, string>());
        if (RowsInsert.Of(sql) is { } rows) yield return new Query($"{name} (two rows)", rows.Text(2), new Dictionary<string, string>());
    }

    /// <summary>The report catalogue's queries over a three-day period, with the parameters the runner sends (all instants).</summary>
    private static IEnumerable<Query> Catalogue()
    {
        var period = new ReportPeriod(new DateOnly(2026, 10, 24), new DateOnly(2026, 10, 26), TimeZoneInfo.Utc);
        foreach (var report in new ReportCatalogue(Path.Combine(AppContext.BaseDirectory, "reports")).All)
        {
            var parts = report.Sheets.Where(s => s.Source is null).Select(s => (s.Name, s.Sql)).ToList(); // computed sheets have no SQL
            if (report.Headlines is { } h) parts.Insert(0, ("headlines", h.Sql));
            foreach (var (part, sql) in parts)
            {
                var (text, parameters) = ReportQuery.Render(Dialect, sql, period);
                yield return new Query($"report {report.Name}: {part}", text,
                    parameters.ParameterNames.ToDictionary(n => n, _ => "datetimeoffset(7)", StringComparer.OrdinalIgnoreCase));
            }
        }
    }

    [GeneratedRegex(@"IN (@\w+)")]
    private static partial Regex InList();
}
