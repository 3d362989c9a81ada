namespace ContactHub.SqlServerModel.Tests;

/// <summary>The checks can fail: each deliberate break is reported under the broken query's name, and only there.</summary>
public sealed class BreakTests
{
    private static readonly Query Good = new("Good.Sql", "SELECT id, display_name FROM contacts WHERE id = @id", new Dictionary<string, string>());

    [Theory]
    [InlineData("SELECT id, dispaly_name FROM contacts WHERE id = @id", "SQL71501")]                                          // a misspelled column
    [InlineData("SELECT c.channel FROM contacts c JOIN interactions i ON i.contact_id = c.id WHERE c.id = @id", "SQL71501")] // a column on the wrong alias
    [InlineData("SELECT id FROM contactz WHERE id = @id", "SQL71502")]                                                        // an unknown table (a warning)
    [InlineData("INSERT INTO outbox (interaction_id, channel, payload, status, attempts, next_attempt_at, createdat) VALUES (@i, 'sms', '{}', 'pending', 0, @now, @now)", "SQL71501")]
    public void A_broken_query_is_reported_under_its_own_name(string sql, string expected)
    {
        var check = ModelCheck.Build(ModelCheck.Migrations(), [Good, new Query("Broken.Sql", sql, new Dictionary<string, string>())]);

        Assert.Contains(check.Messages.GetValueOrDefault("Broken.Sql") ?? [], m => m.Contains(expected, StringComparison.Ordinal));
        Assert.False(check.Messages.ContainsKey("Good.Sql"), string.Join("\n", check.Messages.GetValueOrDefault("Good.Sql") ?? []));
    }

    [Theory]
    [InlineData("UPDATE interactions SET contact_id = @name WHERE id = @id", "NVarChar(4000) to BigInt")] // the code sends a string into a bigint
    [InlineData("UPDATE interactions SET agent = @payload WHERE id = @id", "to NVarChar(200)")]           // a long text into a short column
    [InlineData("UPDATE outbox SET sent_at = 42 WHERE id = @id", "Data types of Integer and Datetimeoffset")] // a number into a timestamp
    public void A_type_that_would_lose_data_is_reported(string sql, string expected)
    {
        // The types the code sends, where the test knows them (as the report runner's parameters are known).
        var query = new Query("Clash.Sql", sql, new Dictionary<string, string> { ["payload"] = "nvarchar(max)", ["name"] = "nvarchar(4000)" });
        var check = ModelCheck.Build(ModelCheck.Migrations(), [query]);

        var problems = check.DataLossProblems();
        Assert.Contains(problems.SelectMany(p => p.Value), m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SELECT now() AS at", "now() is not a SQL Server 2022 built-in")]
    [InlineData("INSERT INTO sync_state (name, value, updated_at) VALUES (@name, @value)", "names 3 columns but gives 2 values")]
    public void What_the_model_does_not_check_the_built_in_check_does(string sql, string expected)
    {
        var check = ModelCheck.Build(ModelCheck.Migrations(), [new Query("Unchecked.Sql", sql, new Dictionary<string, string>())]);

        Assert.Contains(check.Messages.GetValueOrDefault("Unchecked.Sql") ?? [], m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_migration_statement_the_folder_does_not_know_fails_loudly()
    {
        var folder = new SchemaFolder();
        foreach (var (name, script) in ModelCheck.Migrations()) folder.Apply(name, script);

        var error = Assert.Throws<NotSupportedException>(() => folder.Apply("sql/sqlserver/0099_view.sql", "CREATE VIEW v AS SELECT id FROM contacts"));
        Assert.Contains("0099_view.sql", error.Message);
    }

    [Fact]
    public void Columns_added_and_dropped_by_later_migrations_are_in_the_folded_schema()
    {
        var folder = new SchemaFolder();
        foreach (var (name, script) in ModelCheck.Migrations()) folder.Apply(name, script);
        folder.Apply("0100_test.sql", "ALTER TABLE contacts ADD nickname nvarchar(50) NULL;\nALTER TABLE contacts DROP COLUMN nickname;\nALTER TABLE contacts ADD tier nvarchar(20) NULL;");

        var columns = folder.Columns()["contacts"];
        Assert.Equal("NVARCHAR (20)", columns["tier"].ToUpperInvariant());
        Assert.False(columns.ContainsKey("nickname"));
        Assert.True(folder.Columns()["report_runs"].ContainsKey("dedupe_key"), "0005 adds report_runs.dedupe_key");
    }
}
