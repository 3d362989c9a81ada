using ContactHub.Data;
using Microsoft.Data.Sqlite;

namespace ContactHub.Tests.Data;

public sealed class SqliteRowsTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"contacthub-rows-{Guid.NewGuid():N}.db");

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_file};Pooling=False");
        connection.Open();
        return connection;
    }

    private void Create()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT NOT NULL, n INTEGER NULL, label TEXT NULL);
            INSERT INTO t (at, n, label) VALUES (@at, 7, 'Zoë'), (@later, NULL, NULL), (@later, 0, '');
            """;
        command.Parameters.AddWithValue("@at", new DateTimeOffset(2026, 11, 27, 8, 30, 15, TimeSpan.Zero)); // in UTC, as the service stores times
        command.Parameters.AddWithValue("@later", new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Rows_read_by_position_give_integers_nulls_and_text_and_a_time_binds_as_the_data_reader_stores_it()
    {
        Create();
        using var connection = Open();

        using var rows = SqliteRows.Prepare(connection, "SELECT id, at, n, label FROM t WHERE at >= @from AND at < @to AND (@label IS NULL OR label = @label) ORDER BY id",
            new Dictionary<string, object?> { ["@from"] = new DateTimeOffset(2026, 11, 27, 9, 30, 15, TimeSpan.FromHours(1)), ["@to"] = new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.FromHours(1)), ["@label"] = null });

        var read = new List<(long, string?, long?, string?)>();
        while (rows.Read()) read.Add((rows.Int64(0), rows.Text(1), rows.NullableInt64(2), rows.Text(3)));
        // Bound in UTC as stored: from 09:30:15+01:00 is the first row's 08:30:15 UTC (inclusive); to 11:00+01:00 is the others' 10:00 UTC (excluded).
        Assert.Equal([(1L, "2026-11-27 08:30:15+00:00", 7L, "Zoë")], read);
    }

    [Fact]
    public void Empty_text_reads_as_null_and_a_zero_stays_a_zero()
    {
        Create();
        using var connection = Open();

        using var rows = SqliteRows.Prepare(connection, "SELECT n, label FROM t WHERE id = @id", new Dictionary<string, object?> { ["@id"] = 3L });

        Assert.True(rows.Read());
        Assert.Equal(0L, rows.NullableInt64(0));
        Assert.Null(rows.Text(1));
        Assert.False(rows.Read());
    }

    [Fact]
    public void A_parameter_the_query_does_not_have_is_refused_by_name()
    {
        Create();
        using var connection = Open();

        var refused = Assert.Throws<ArgumentException>(() => SqliteRows.Prepare(connection, "SELECT id FROM t", new Dictionary<string, object?> { ["@id"] = 1L }));
        Assert.Contains("@id", refused.Message);
        Assert.IsType<SqliteException>(Record.Exception(() => SqliteRows.Prepare(connection, "SELECT nothing FROM nowhere", new Dictionary<string, object?>())), exactMatch: false);
    }

    [Fact]
    public async Task A_read_on_the_services_connection_waits_out_a_database_locked_by_another_connection()
    {
        Create();
        var holder = Open();
        using (var exclusive = holder.CreateCommand())
        {
            exclusive.CommandText = "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; UPDATE t SET n = 8 WHERE id = 1; COMMIT;"; // keeps the file locked while it is open
            exclusive.ExecuteNonQuery();
        }
        var release = Task.Run(async () =>
        {
            await Task.Delay(300);
            holder.Dispose(); // unpooled: the lock goes with the connection
        });
        await using var db = new Db(DatabaseProvider.Sqlite, $"Data Source={_file};Pooling=False", Path.GetTempPath());
        await using var connection = (SqliteConnection)await db.OpenAsync(); // as the export opens it: with its busy timeout

        using var rows = SqliteRows.Prepare(connection, "SELECT n FROM t WHERE id = 1", new Dictionary<string, object?>());

        Assert.True(rows.Read());
        Assert.Equal(8L, rows.Int64(0));
        await release;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
    }
}
