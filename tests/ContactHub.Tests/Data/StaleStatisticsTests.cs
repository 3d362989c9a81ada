using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Data;

/// <summary>
/// A contact's active conversation and open follow-ups are read through the contact's own index entries, whatever
/// PostgreSQL's statistics say.
/// The defect: after history was loaded (every conversation ended) the table was analysed, live traffic then made a thousand
/// conversations active, and the planner — still believing none were — walked every active conversation of every contact to
/// find this contact's: per event and per screen-pop, growing with the number of conversations in progress (2.1 ms of the
/// database's time per event at 6,000; PostgreSQL ingest at 100k / 1M 580 req/s). Autovacuum stays off on the table here,
/// so that the statistics stay as stale as they are between two of its passes.
/// </summary>
public sealed partial class StaleStatisticsTests() : MigratedPostgres("stats")
{
    private const long Contact = 1_500;

    protected override async Task SeedAsync(DbConnection connection)
    {
        // History: 2,000 contacts with ten ended conversations each, analysed as it stands.
        await connection.ExecuteAsync("""
            ALTER TABLE conversations SET (autovacuum_enabled = false);
            ALTER TABLE follow_ups SET (autovacuum_enabled = false);
            INSERT INTO contacts (id, display_name, created_at, updated_at) OVERRIDING SYSTEM VALUE
            SELECT n, 'Customer ' || n, now(), now() FROM generate_series(1, 2000) n;
            INSERT INTO contact_identifiers (contact_id, kind, provider, value, created_at)
            SELECT n, 'phone', '', '+3361' || lpad(n::text, 7, '0'), now() FROM generate_series(1, 2000) n;
            INSERT INTO conversations (contact_id, status, started_at, last_activity_at, ended_at, channels, interaction_count)
            SELECT 1 + n % 2000, 'ended', now() - n * interval '1 minute', now() - n * interval '1 minute', now() - n * interval '1 minute', 'call', 1
            FROM generate_series(1, 20000) n;
            INSERT INTO follow_ups (contact_id, title, due_at, status, created_at, completed_at)
            SELECT 1 + n % 2000, 'Call back', now() - n * interval '1 minute', 'done', now(), now() FROM generate_series(1, 20000) n;
            ANALYZE;
            """);
        // Live traffic since: the first thousand contacts each have a conversation in progress; the statistics do not know.
        await connection.ExecuteAsync("""
            INSERT INTO conversations (contact_id, status, started_at, last_activity_at, channels, interaction_count)
            SELECT n, 'active', now() - interval '1 minute', now() - n * interval '1 second', 'chat', 1 FROM generate_series(1, 1000) n;
            INSERT INTO follow_ups (contact_id, title, due_at, status, created_at)
            SELECT n, 'Call back', now() + n * interval '1 minute', 'open', now() FROM generate_series(1, 1000) n;
            """);
    }

    public static TheoryData<string, int> Statements() => new()
    {
        { "InteractionRecorder.ActiveConversationSql", 0 },
        { "ContactHistory.ScreenPopSql", 4 }, // its active conversation
        { "ContactHistory.ScreenPopSql", 6 }, // its open follow-ups
    };

    [SkippableTheory]
    [MemberData(nameof(Statements))]
    public async Task A_contacts_rows_of_one_status_are_read_through_its_own_index_entries(string name, int statement)
    {
        Skip.If(SkipReason is not null, SkipReason);
        var sql = Db.Sql(SqlServerSyntaxTests.StoreQueries().Single(q => q.Name == name).Sql).Split(';')[statement];
        sql = Parameter().Replace(sql, m => m.Value switch
        {
            "@contactId" => Contact.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "@history" => "0",
            "@kind" => "'phone'",
            "@provider" => "''",
            "@value" => $"'+3361{Contact:0000000}'",
            _ => throw new InvalidOperationException($"{name}: no value for {m.Value}"),
        });
        await using var connection = await Db.OpenAsync();
        var plan = JsonDocument.Parse(await connection.ExecuteScalarAsync<string>("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql) ?? "[]").RootElement[0].GetProperty("Plan");
        // The contact has ten ended conversations and ten done follow-ups, none active or open: reading its own entries passes
        // over ten rows at most; walking the active conversations or open follow-ups of others passes over a thousand.
        var passedOver = PassedOver(plan);
        Assert.True(passedOver <= 10, $"{name} read and discarded {passedOver} rows to find one contact's:\n{sql}\n{plan}");
    }

    private static long PassedOver(JsonElement node) =>
        (node.TryGetProperty("Rows Removed by Filter", out var filtered) ? filtered.GetInt64() : 0)
        + (node.TryGetProperty("Rows Removed by Index Recheck", out var rechecked) ? rechecked.GetInt64() : 0)
        + (node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().Sum(PassedOver) : 0);

    [GeneratedRegex(@"(?<![\w@])@\w+")]
    private static partial Regex Parameter();
}
