using System.Text.RegularExpressions;
using ContactHub.Data;
using ContactHub.Reports;
using Dapper;
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
            var rows = await PlanAsync(connection, statement);
            foreach (var row in rows.Where(r => InCorrelatedSubquery(rows, r.Parent) && Unconstrained(r.Detail)))
                Assert.Fail($"{name}: a correlated subquery reads a table without an index constraint ({row.Detail}), once per outer row:\n{statement}\n\n" +
                    string.Join("\n", rows.Select(r => $"{r.Id} {r.Parent} {r.Detail}")));
        }
    }

    /// <summary>
    /// A query over a period (@from/@to) reads the period's rows through an index range, not the whole table: the outcomes
    /// sheets walked every ended conversation and the conversations report every conversation and every interaction
    /// whatever the period — 1.4 s on an empty day at 700k conversations, and growing with the database, not the period.
    /// </summary>
    [Theory]
    [MemberData(nameof(Queries))]
    public async Task A_period_is_read_through_an_index_not_a_whole_table(string name)
    {
        var portable = Portable(name);
        await using var connection = (SqliteConnection)await _db.OpenAsync();
        // A listing whose period is optional ("@from IS NULL OR …", the audit log) walks its time index newest first and stops at its limit.
        foreach (var statement in Statements(portable).Where(s => (s.Contains("@from", StringComparison.Ordinal) || s.Contains("@to", StringComparison.Ordinal))
                     && !s.Contains("@from IS NULL", StringComparison.Ordinal)))
        {
            var rows = await PlanAsync(connection, statement);
            var derived = rows.Select(r => Derived().Match(r.Detail)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            foreach (var row in rows.Where(r => WholeTable().Match(r.Detail) is { Success: true } m && !derived.Contains(m.Groups[1].Value)
                         && !WholeTableOnPurpose.ContainsKey($"{name} {m.Groups[1].Value}")))
                Assert.Fail($"{name}: reads the whole of {row.Detail} whatever the period:\n{statement}\n\n" + string.Join("\n", rows.Select(r => $"{r.Id} {r.Parent} {r.Detail}")));
        }
    }

    /// <summary>
    /// The outcomes sheet reads the period's ended conversations from their index alone: visiting each conversation's row for its
    /// agent, channel and times was half the sheet's time (2.3 → 1.0 s over 592k conversations; migration 0022).
    /// </summary>
    [Fact]
    public async Task The_outcomes_sheet_reads_the_ended_conversations_from_their_index_alone()
    {
        await using var connection = (SqliteConnection)await _db.OpenAsync();
        var rows = await PlanAsync(connection, Statements(Portable("report activity-summary|Outcomes")).Single());

        Assert.Contains(rows, r => r.Detail.StartsWith("SEARCH cv USING COVERING INDEX ix_conversations_ended", StringComparison.Ordinal));
    }

    /// <summary>
    /// The touch every event gives its active conversation moves no index entry but the active list's: no other index holding
    /// active conversations has a column the touch assigns (SQLite rewrites an index's entry when an UPDATE assigns one of its
    /// columns, even to the value it had). The defects: the contact's index was keyed by the last activity, and the touch assigned
    /// status whatever it was — the contact's entry rewritten at random for every ingested event (0025).
    /// </summary>
    [Fact]
    public async Task An_active_conversations_touch_moves_no_index_entry_but_the_active_lists()
    {
        var set = Regex.Match(SqlServerSyntaxTests.StoreQueries().Single(q => q.Name == "InteractionRecorder.TouchActiveConversationSql").Sql, @"SET(.*)WHERE", RegexOptions.Singleline);
        var touched = Regex.Matches(set.Groups[1].Value, @"(\w+)\s*=").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("last_activity_at", touched);
        await using var connection = (SqliteConnection)await _db.OpenAsync();
        var indexes = (await connection.QueryAsync<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'conversations' AND sql IS NOT NULL")).ToList();
        Assert.Contains(indexes, i => i.Name == "ix_conversations_contact");
        foreach (var (name, sql) in indexes.Where(i => !i.Sql.EndsWith("WHERE status = 'ended'", StringComparison.Ordinal) && !MovedOnPurpose.ContainsKey(i.Name)))
        {
            var columns = await connection.QueryAsync<string>($"SELECT name FROM pragma_index_info('{name}')");
            Assert.True(!columns.Intersect(touched).Any(), $"{name} ({sql}) has a column the touch writes: each event moves its entry.");
        }
    }

    /// <summary>An index whose entry a touch moves on purpose, and why.</summary>
    private static readonly Dictionary<string, string> MovedOnPurpose = new(StringComparer.Ordinal)
    {
        ["ix_conversations_status"] = "the active list reads newest first from it; sorting every active conversation instead took 135 ms a list at 78k active",
    };

    /// <summary>
    /// The agent's list, the screen-pop, the recorder and the campaigns' audience reach conversations by their indexes. The defect:
    /// SQLite, planning without statistics, read a contact's active (or last ended) conversation by walking every active (ended)
    /// one in order until one was the contact's — 0.18 s for a contact with none, at 592k ended conversations.
    /// </summary>
    [Theory]
    [InlineData("ConversationStore.ListSql", "SEARCH cv USING INDEX ix_conversations_status (status=?)")]
    [InlineData("ContactHistory.ScreenPopSql", "SEARCH cv USING INDEX ix_conversations_contact (contact_id=? AND status=?)")]
    [InlineData("InteractionRecorder.ActiveConversationSql", "SEARCH conversations USING INDEX ix_conversations_contact (contact_id=?)")]
    [InlineData("CampaignAudience.LastWrapUpSql", "SEARCH cv USING INDEX ix_conversations_contact (contact_id=? AND status=?)")]
    public async Task Conversations_are_read_through_their_indexes(string name, string expected)
    {
        await using var connection = (SqliteConnection)await _db.OpenAsync();
        var plans = new List<string>();
        foreach (var statement in Statements(Portable(name)))
            plans.AddRange((await PlanAsync(connection, statement)).Select(r => r.Detail));

        Assert.Contains(expected, plans);
    }

    /// <summary>A query and the table it reads whole on purpose ("query table"), and why.</summary>
    private static readonly Dictionary<string, string> WholeTableOnPurpose = new(StringComparer.Ordinal)
    {
        ["report follow-ups|headlines follow_ups"] = "open follow-ups are counted as they stand at the period's end, over one row per follow-up (not per interaction)",
        ["report follow-ups|By agent follow_ups"] = "the same counts per agent",
        ["report contacts|headlines duplicate_candidates"] = "pending duplicates are counted as they stood at the period's end, over one row per candidate pair",
        ["report contacts|Duplicates d"] = "the same candidates listed",
    };

    private static async Task<List<(long Id, long Parent, string Detail)>> PlanAsync(SqliteConnection connection, string statement)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + statement;
        foreach (var parameter in Parameter().Matches(statement).Select(m => m.Value).Distinct()) command.Parameters.AddWithValue(parameter, DBNull.Value);
        var rows = new List<(long Id, long Parent, string Detail)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(3)));
        return rows;
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

    /// <summary>"SCAN t" or "SCAN t USING [COVERING] INDEX ix": every row of a table or an index, no constraint.</summary>
    [GeneratedRegex(@"^SCAN (?!CONSTANT ROW)(\w+)")]
    private static partial Regex WholeTable();

    /// <summary>A subquery's or CTE's own rows ("MATERIALIZE f", "CO-ROUTINE f"): scanning them is not scanning a table.</summary>
    [GeneratedRegex(@"^(?:MATERIALIZE|CO-ROUTINE) (\w+)")]
    private static partial Regex Derived();

    [GeneratedRegex(@"(?<![\w@])@\w+")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"IN (@\w+)")]
    private static partial Regex ListParameter();
}
