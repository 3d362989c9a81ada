using System.Text.RegularExpressions;
using ContactHub.Data;
using ContactHub.Reports;
using Microsoft.Data.Sqlite;

namespace ContactHub.Tests.Data;

/// <summary>
/// No query reads a whole table once per row of another: every store query and every shipped report query is planned by
/// SQLite on the migrated schema, and a correlated subquery (run once per outer row) must reach its rows through an index
/// with a constraint. The defect this guards against: speed of answer looked up each call's first status change by a scan
/// of the event log, which seed-demo leaves empty — on a live database a month's report ran for tens of minutes.
/// </summary>
public sealed partial class QueryPlanTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("contacthub-plans-").FullName;
    private Db _db = null!;

    public async Task InitializeAsync()
    {
        _db = new Db(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_folder, "plans.db")}", _folder);
        await new Migrator(_db, Microsoft.Extensions.Logging.Abstractions.NullLogger<Migrator>.Instance).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, true);
    }

    public static TheoryData<string> Queries()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in SqlServerSyntaxTests.StoreQueries()) data.Add(name);
        foreach (var report in new ReportCatalogue(ReportsFolder).All)
        {
            if (report.Headlines is not null) data.Add($"report {report.Name}|headlines");
            foreach (var sheet in report.Sheets.Where(s => s.Source is null)) data.Add($"report {report.Name}|{sheet.Name}");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task No_correlated_subquery_scans_a_table(string name)
    {
        var portable = Portable(name);
        await using var connection = (SqliteConnection)await _db.OpenAsync();
        foreach (var statement in Statements(portable))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + statement;
            foreach (var parameter in Parameter().Matches(statement).Select(m => m.Value).Distinct()) command.Parameters.AddWithValue(parameter, DBNull.Value);
            var rows = new List<(long Id, long Parent, string Detail)>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(3)));
            foreach (var row in rows.Where(r => InCorrelatedSubquery(rows, r.Parent) && Unconstrained(r.Detail)))
                Assert.Fail($"{name}: a correlated subquery reads a table without an index constraint ({row.Detail}), once per outer row:\n{statement}\n\n" +
                    string.Join("\n", rows.Select(r => $"{r.Id} {r.Parent} {r.Detail}")));
        }
    }

    [Fact]
    public void The_sweep_covers_the_store_and_report_queries()
    {
        var names = ((IEnumerable<object[]>)Queries()).Select(row => (string)row[0]).ToList();
        Assert.Contains("ServiceLevels.AnswersSql", names);
        Assert.Contains(names, n => n.StartsWith("report activity-summary|", StringComparison.Ordinal));
    }

    private static string ReportsFolder => Path.Combine(AppContext.BaseDirectory, "reports");

    private static string Portable(string name)
    {
        if (!name.StartsWith("report ", StringComparison.Ordinal)) return SqlServerSyntaxTests.StoreQueries().Single(q => q.Name == name).Sql;
        var (report, part) = (name["report ".Length..].Split('|')[0], name.Split('|')[1]);
        var definition = new ReportCatalogue(ReportsFolder).Find(report)!;
        var sql = part == "headlines" ? definition.Headlines!.Sql : definition.Sheets.Single(s => s.Name == part).Sql;
        var period = new ReportPeriod(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), TimeZoneInfo.Utc);
        return ReportQuery.Render(new SqliteDialect(), sql, period).Sql;
    }

    /// <summary>The statements of a text as SQLite runs them (a screen-pop is seven), dialect tokens rendered, list parameters expanded.</summary>
    private IEnumerable<string> Statements(string portable) =>
        ListParameter().Replace(_db.Sql(portable), "IN ($1)")
            .Split(';').Select(s => s.Trim()).Where(s => s.Length > 0 && !s.StartsWith("PRAGMA", StringComparison.OrdinalIgnoreCase));

    private static bool InCorrelatedSubquery(List<(long Id, long Parent, string Detail)> rows, long parent)
    {
        for (var id = parent; id != 0;)
        {
            var row = rows.FirstOrDefault(r => r.Id == id);
            if (row.Detail is null) return false;
            if (row.Detail.StartsWith("CORRELATED", StringComparison.Ordinal)) return true;
            id = row.Parent;
        }
        return false;
    }

    /// <summary>"SCAN t", or an index walked from end to end ("SEARCH t USING INDEX ix" with no "(column=?)").</summary>
    private static bool Unconstrained(string detail) =>
        detail.StartsWith("SCAN ", StringComparison.Ordinal) && !detail.Contains("CONSTANT ROW", StringComparison.Ordinal)
        || (detail.StartsWith("SEARCH ", StringComparison.Ordinal) && !detail.Contains('(', StringComparison.Ordinal));

    [GeneratedRegex(@"(?<![\w@])@\w+")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"IN (@\w+)")]
    private static partial Regex ListParameter();
}
