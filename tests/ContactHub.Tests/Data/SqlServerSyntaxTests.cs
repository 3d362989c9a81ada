using System.Reflection;
using ContactHub.Data;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ContactHub.Tests.Data;

/// <summary>No SQL Server runs here, so every T-SQL text we would send is at least parsed by Microsoft's own parser.</summary>
public sealed class SqlServerSyntaxTests
{
    public static TheoryData<string> MigrationScripts()
    {
        var data = new TheoryData<string>();
        foreach (var name in typeof(Migrator).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("sql/sqlserver/", StringComparison.Ordinal)))
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(MigrationScripts))]
    public void Every_sql_server_migration_script_parses(string resource)
    {
        using var stream = typeof(Migrator).Assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        AssertParses(resource, reader.ReadToEnd());
    }

    /// <summary>Every const string named …Sql in the service: new stores are covered without touching this test.</summary>
    public static IEnumerable<(string Name, string Sql)> StoreQueries() =>
        typeof(Migrator).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string) && f.Name.EndsWith("Sql", StringComparison.Ordinal))
                .Select(f => ($"{t.Name}.{f.Name}", (string)f.GetRawConstantValue()!)));

    public static TheoryData<string> StoreQueryNames()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in StoreQueries()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(StoreQueryNames))]
    public void Every_store_query_rendered_for_sql_server_parses(string name)
    {
        var sql = StoreQueries().Single(q => q.Name == name).Sql;
        // Dapper expands "IN @list" into "IN (@list1, @list2, …)" before anything reaches the server.
        var rendered = System.Text.RegularExpressions.Regex.Replace(new SqlServerDialect().Render(sql), @"IN (@\w+)", "IN ($1)");
        Assert.DoesNotMatch(@"\{[A-Z_]+(:[^}]+)?\}", rendered); // every dialect token was rendered
        AssertParses(name, rendered);
    }

    [Fact]
    public void The_store_queries_are_found()
    {
        Assert.True(StoreQueries().Count() >= 8, "expected the stores' SQL constants to be discovered");
    }

    [Theory]
    [InlineData("SELECT id FROM interactions ORDER BY id {LIMIT:@limit}")]
    [InlineData("INSERT INTO contacts (display_name, created_at, updated_at) {OUTPUT_ID} VALUES (@n, {NOW}, {NOW}) {RETURNING_ID}")]
    [InlineData("INSERT INTO contact_identifiers (contact_id, kind, provider, value, created_at) {OUTPUT_ID} SELECT @c, @k, @p, @v, @t WHERE NOT EXISTS (SELECT 1 FROM contact_identifiers {LOCK} WHERE kind = @k AND provider = @p AND value = @v) {ON_CONFLICT_IGNORE} {RETURNING_ID}")]
    [InlineData("SELECT {DAY:occurred_at} AS day, COUNT(*) AS n FROM interactions GROUP BY {DAY:occurred_at}")]
    public void Every_dialect_fragment_parses_as_t_sql(string portable) =>
        AssertParses(portable, new SqlServerDialect().Render(portable));

    private static void AssertParses(string name, string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        Assert.True(errors.Count == 0, $"{name}: " + string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")) + "\n" + sql);
    }
}
