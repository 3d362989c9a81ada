namespace ContactHub.SqlServerModel.Tests;

/// <summary>
/// No SQL Server runs on these machines. Every T-SQL text ContactHub sends is checked against the migrated schema by
/// Microsoft's own model compiler (DacFx) for SQL Server 2022: a misspelled column, a column on the wrong alias, an unknown
/// table, an undeclared variable or a type that would lose data fails the test named after that query.
/// </summary>
public sealed class ModelTests
{
    public static TheoryData<string> QueryNames()
    {
        var data = new TheoryData<string>();
        foreach (var query in Queries.All) data.Add(query.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(QueryNames))]
    public void The_query_is_valid_against_the_migrated_sql_server_schema(string name)
    {
        var check = ModelCheck.Shipped;
        var messages = check.Messages.GetValueOrDefault(name) ?? [];
        Assert.True(messages.Count == 0, $"{name}:\n  " + string.Join("\n  ", messages) + "\n" + check.Procedures.GetValueOrDefault(name));
    }

    [Fact]
    public void The_migrations_fold_into_a_schema_the_model_accepts_without_a_message()
    {
        var messages = ModelCheck.Shipped.Messages.GetValueOrDefault("schema") ?? [];
        Assert.True(messages.Count == 0, string.Join("\n", messages));
        Assert.True(Queries.All.Count >= 150, $"only {Queries.All.Count} queries found");
    }

    /// <summary>
    /// The SR0014 findings accepted, each with why no data is lost. Everything else SR0014 says fails the test.
    /// </summary>
    private static readonly (System.Text.RegularExpressions.Regex Finding, string Why)[] Accepted =
    [
        (new(@"^SR0014: Data loss might occur when casting from ASCII String\((\d+)\) to NVarChar\((\d+|max)\)\.$"),
            "A portable string literal ('%,%,%,%', 'dataprotection-key:%') compared with an nvarchar column: varchar widens to nvarchar without loss; N'…' would not parse on SQLite."),
        (new(@"^SR0014: Data loss might occur when casting from BigInt to Decimal\(2, 1\)\.$"),
            "x * 1.0 in a report's averages: SQL Server widens the bigint to decimal(19,0) and the product to decimal(21,1); SR0014 reads the literal's own precision."),
    ];

    [Fact]
    public void No_query_converts_a_value_to_a_type_that_loses_data()
    {
        var problems = ModelCheck.Shipped.DataLossProblems()
            .Select(p => (Source: p.Key, Findings: p.Value.Where(f => !Accepted.Any(a => a.Finding.IsMatch(f))).ToList()))
            .Where(p => p.Findings.Count > 0).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Select(p => $"{p.Source}: {string.Join("; ", p.Findings)}")));
    }
}
