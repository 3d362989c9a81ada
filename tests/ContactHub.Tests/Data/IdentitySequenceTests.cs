using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Data;

/// <summary>
/// Ids taken ahead on PostgreSQL name each identity's sequence as PostgreSQL made it (<c>table_id_seq</c>,
/// <see cref="PostgresDialect.Next"/>): a table renamed by a later migration keeps its sequence's old name, and this test says so.
/// </summary>
public sealed class IdentitySequenceTests() : MigratedPostgres("seq")
{
    private const string IdentitiesSql = """
        SELECT table_name AS "Table", pg_get_serial_sequence(quote_ident(table_name), 'id') AS "Sequence", current_schema() AS "Schema"
        FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'
        ORDER BY table_name
        """;

    [SkippableFact]
    public async Task Every_identity_is_taken_from_the_sequence_its_table_names()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await using var connection = await Db.OpenAsync();
        var identities = (await connection.QueryAsync<(string Table, string Sequence, string Schema)>(IdentitiesSql)).AsList();
        Assert.Contains(identities, i => i.Table == "interactions");
        Assert.Contains(identities, i => i.Table == "contact_identifiers");
        Assert.All(identities, i => Assert.Equal($"{i.Schema}.{i.Table}_id_seq", i.Sequence));

        // The text the recorder and the import run takes the next value of that table's identity.
        var before = await connection.ExecuteScalarAsync<long>("SELECT last_value FROM interactions_id_seq");
        var taken = await connection.ExecuteScalarAsync<long>($"SELECT {PostgresDialect.Next("interactions")}");
        Assert.True(taken >= before);
        Assert.Equal(taken, await connection.ExecuteScalarAsync<long>("SELECT last_value FROM interactions_id_seq"));
    }
}
