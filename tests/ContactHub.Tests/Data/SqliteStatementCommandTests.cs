using ContactHub.Data;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ContactHub.Tests.Data;

/// <summary>
/// The write path's statements on SQLite run through SQLite's own calls (<see cref="SqliteStatementCommand"/>): what they store,
/// return and raise must be what Microsoft.Data.Sqlite's command gave, and a kept statement must not keep its connection open.
/// </summary>
public sealed class SqliteStatementCommandTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("contacthub-statements-").FullName;
    private Db _db = null!;

    private string File => Path.Combine(_folder, "statements.db");

    public async Task InitializeAsync()
    {
        _db = new Db(DatabaseProvider.Sqlite, $"Data Source={File}", _folder);
        await using var connection = await _db.OpenAsync();
        // Columns without a type keep each value as it was bound.
        await connection.ExecuteAsync("""
            PRAGMA journal_mode = WAL;
            CREATE TABLE v (id INTEGER PRIMARY KEY, via, a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q);
            CREATE TABLE u (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE);
            """);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, true);
    }

    private static readonly (string Name, object? Value)[] Values =
    [
        ("a", null), ("b", "Zoë"), ("c", 42L), ("d", 7), ("e", true),
        ("f", new DateTimeOffset(2026, 11, 29, 9, 30, 15, 123, TimeSpan.FromHours(1)).AddTicks(4567)),
        ("g:String", null), ("h:Int64", null), ("i:DateTimeOffset", null), ("j:String", "typed"), ("k:Int64", 5L),
        ("l:DateTimeOffset", new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero)),
        // Kinds and pairings it leaves to Microsoft.Data.Sqlite: a double, a GUID, a DateTime, a decimal, an integer typed as text.
        ("m", 2.5), ("n", Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e")), ("o", new DateTime(2026, 11, 29, 8, 0, 0, DateTimeKind.Utc)),
        ("p", 12.30m), ("q:String", 5L),
    ];

    private const string Insert = "INSERT INTO v (via, a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q) VALUES (@via, @a, @b, @c, @d, @e, @f, @g, @h, @i, @j, @k, @l, @m, @n, @o, @p, @q)";

    [Fact]
    public async Task Every_kind_of_value_is_stored_as_microsoft_data_sqlites_command_stores_it()
    {
        await using var connection = await _db.OpenAsync();
        var command = _db.Prepared(connection, null, Insert, [("via", "statement"), .. Values]);
        Assert.IsType<SqliteStatementCommand>(command);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());

        // The same values through Microsoft.Data.Sqlite's own command, as the kept command bound them before.
        await using (var plain = ((SqliteConnection)connection).CreateCommand())
        {
            plain.CommandText = Insert;
            plain.Parameters.AddWithValue("@via", "command");
            foreach (var (name, value) in Values)
            {
                var typed = name.Split(':');
                var parameter = plain.Parameters.AddWithValue("@" + typed[0], PreparedStatements.DbValue(value));
                if (typed.Length == 2) parameter.DbType = Enum.Parse<System.Data.DbType>(typed[1]);
            }
            await plain.ExecuteNonQueryAsync();
        }

        var columns = string.Join(" || '|' || ", "abcdefghijklmnopq".Select(c => $"typeof({c}) || ':' || quote({c})"));
        var stored = (await connection.QueryAsync<(string Via, string Row)>($"SELECT via, {columns} FROM v ORDER BY id")).ToList();
        Assert.Equal(["statement", "command"], stored.Select(s => s.Via));
        Assert.Equal(stored[1].Row, stored[0].Row);
        Assert.Contains("text:'2026-11-29 08:30:15.1234567+00:00'", stored[0].Row); // a time in UTC, as the service stores times
    }

    [Fact]
    public async Task An_insert_returns_its_id_an_update_its_count_and_a_query_its_first_value()
    {
        await using var connection = await _db.OpenAsync();
        Assert.Equal(1, await _db.Prepared(connection, null, "INSERT INTO u (ref) VALUES (@ref) RETURNING id", ("ref", "a")).ScalarInt64Async(default));
        Assert.Equal(2, await _db.Prepared(connection, null, "INSERT INTO u (ref) VALUES (@ref) RETURNING id", ("ref", "b")).ScalarInt64Async(default));
        Assert.Equal(2, await _db.Prepared(connection, null, "UPDATE u SET ref = ref || @suffix", ("suffix", "!")).ExecuteNonQueryAsync());
        Assert.Equal("b!", await _db.Prepared(connection, null, "SELECT ref FROM u WHERE id = @id", ("id", 2L)).ExecuteScalarAsync());
        Assert.Null(await _db.Prepared(connection, null, "SELECT ref FROM u WHERE id = @id", ("id", 3L)).ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_broken_constraint_raises_what_microsoft_data_sqlite_raises_and_the_statement_runs_again()
    {
        await using var connection = await _db.OpenAsync();
        const string sql = "INSERT INTO u (ref) VALUES (@ref)";
        await _db.Prepared(connection, null, sql, ("ref", "same")).ExecuteNonQueryAsync();

        var kept = await Assert.ThrowsAsync<SqliteException>(() => _db.Prepared(connection, null, sql, ("ref", "same")).ExecuteNonQueryAsync());
        await using var plain = ((SqliteConnection)connection).CreateCommand();
        plain.CommandText = sql;
        plain.Parameters.AddWithValue("@ref", "same");
        var expected = await Assert.ThrowsAsync<SqliteException>(() => plain.ExecuteNonQueryAsync());
        Assert.Equal((expected.SqliteErrorCode, expected.SqliteExtendedErrorCode, expected.Message), (kept.SqliteErrorCode, kept.SqliteExtendedErrorCode, kept.Message));

        Assert.Equal(1, await _db.Prepared(connection, null, sql, ("ref", "other")).ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_kept_statement_lets_its_connection_close_and_is_prepared_again_when_it_reopens()
    {
        var connection = await _db.OpenAsync();
        await _db.Prepared(connection, null, "INSERT INTO u (ref) VALUES (@ref)", ("ref", "before")).ExecuteNonQueryAsync();
        await connection.CloseAsync();
        await connection.OpenAsync();
        await _db.Prepared(connection, null, "INSERT INTO u (ref) VALUES (@ref)", ("ref", "after")).ExecuteNonQueryAsync();
        await connection.DisposeAsync();

        // The last connection to close checkpoints the log into the file and removes it; an unfinalised statement would stop it.
        SqliteConnection.ClearAllPools();
        Assert.False(System.IO.File.Exists(File + "-wal"));
        await using var check = new SqliteConnection($"Data Source={File};Mode=ReadOnly;Pooling=False");
        await check.OpenAsync();
        Assert.Equal(["before", "after"], await check.QueryAsync<string>("SELECT ref FROM u ORDER BY id"));
    }

    [Fact]
    public async Task A_text_of_several_statements_runs_them_all()
    {
        await using var connection = await _db.OpenAsync();
        await _db.Prepared(connection, null, "INSERT INTO u (ref) VALUES (@one); INSERT INTO u (ref) VALUES (@two);", ("one", "1"), ("two", "2")).ExecuteNonQueryAsync();
        Assert.Equal(["1", "2"], await connection.QueryAsync<string>("SELECT ref FROM u ORDER BY id"));
    }

    [Fact]
    public async Task A_parameter_given_no_value_is_microsoft_data_sqlites_error_not_a_null()
    {
        await using var connection = await _db.OpenAsync();
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _db.Prepared(connection, null, "INSERT INTO u (ref) VALUES (@ref || @suffix)", ("ref", "a")).ExecuteNonQueryAsync());
        Assert.Contains("@suffix", missing.Message);
        Assert.Empty(await connection.QueryAsync<string>("SELECT ref FROM u"));
    }
}
