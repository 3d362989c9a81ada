using ContactHub.Data;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Data;

/// <summary>A statement kept on its connection is bound by name on every call: a call that forgets a value fails, it never reuses the last one.</summary>
public sealed class PreparedStatementTests() : MigratedSqlite("prepared")
{
    private const string Sql = "SELECT value FROM sync_state WHERE name = @name AND value = @value";

    [Fact]
    public async Task A_call_binding_one_value_fewer_is_an_error_not_the_previous_calls_value()
    {
        await using var connection = await Db.OpenAsync();
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO sync_state (name, value, updated_at) VALUES ('a', 'x', '2026-11-26')";
            await insert.ExecuteNonQueryAsync();
        }
        Assert.Equal("x", await Db.Prepared(connection, null, Sql, ("name", "a"), ("value", "x")).ExecuteScalarAsync());

        var missing = Assert.Throws<InvalidOperationException>(() => Db.Prepared(connection, null, Sql, ("name", "a")));
        Assert.Contains("@value", missing.Message);
    }

    [Fact]
    public async Task A_call_binding_a_name_the_statement_lacks_is_an_error()
    {
        await using var connection = await Db.OpenAsync();
        Db.Prepared(connection, null, Sql, ("name", "a"), ("value", "x"));

        var wrong = Assert.Throws<InvalidOperationException>(() => Db.Prepared(connection, null, Sql, ("name", "a"), ("valeu", "x")));
        Assert.Contains("@valeu", wrong.Message);
    }

    [Fact]
    public async Task Values_are_bound_by_name_whatever_their_order()
    {
        await using var connection = await Db.OpenAsync();
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO sync_state (name, value, updated_at) VALUES ('b', 'y', '2026-11-26')";
            await insert.ExecuteNonQueryAsync();
        }
        Db.Prepared(connection, null, Sql, ("name", "zzz"), ("value", "zzz"));

        Assert.Equal("y", await Db.Prepared(connection, null, Sql, ("value", "y"), ("name", "b")).ExecuteScalarAsync());
    }
}
