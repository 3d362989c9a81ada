using Npgsql;
using NpgsqlTypes;

namespace ContactHub.Data;

/// <summary>
/// PostgreSQL's bulk protocol for the import: ids taken from a table's identity ahead of time, in one round trip, then the
/// rows written with binary <c>COPY</c> — one stream a table instead of one statement a row. Runs in the connection's
/// transaction (Npgsql has one per connection).
/// </summary>
public static class PostgresCopy
{
    /// <summary>A column of a <c>COPY</c>: its name and the type its values are sent as.</summary>
    public readonly record struct Column(string Name, NpgsqlDbType Type);

    /// <summary>New ids of each table's identity, ascending (the order rows get them one by one), in one round trip.</summary>
    public static async Task<long[][]> NextIdsAsync(NpgsqlConnection connection, CancellationToken ct, params (string Table, int Count)[] wanted)
    {
        var ids = wanted.Select(w => new long[w.Count]).ToArray();
        if (ids.All(i => i.Length == 0)) return ids;
        await using var batch = new NpgsqlBatch(connection);
        foreach (var (table, count) in wanted) batch.BatchCommands.Add(NextIds(table, count));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        for (var t = 0; t < ids.Length; t++, await reader.NextResultAsync(ct))
            await ReadIdsAsync(reader, ids[t], ct);
        return ids;
    }

    /// <summary><paramref name="count"/> new ids of <paramref name="table"/>'s identity, ascending: a command for a caller's batch.</summary>
    public static NpgsqlBatchCommand NextIds(string table, int count)
    {
        var command = new NpgsqlBatchCommand($"SELECT {PostgresDialect.Next(table)} FROM generate_series(1, $1) ORDER BY 1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        return command;
    }

    /// <summary>Reads the ids of one <see cref="NextIds"/> command (the reader on its result) into <paramref name="ids"/>.</summary>
    public static async Task ReadIdsAsync(System.Data.Common.DbDataReader reader, long[] ids, CancellationToken ct)
    {
        for (var n = 0; await reader.ReadAsync(ct); n++) ids[n] = reader.GetInt64(0);
    }

    /// <summary>Writes <paramref name="rows"/> (values in <paramref name="columns"/>' order, null for NULL) into <paramref name="table"/>.</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, string table, IReadOnlyList<Column> columns, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(ct);
            for (var n = 0; n < columns.Count; n++)
            {
                if (row[n] is null) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(row[n] is DateTimeOffset at ? at.ToUniversalTime() : row[n], columns[n].Type, ct);
            }
        }
        await copy.CompleteAsync(ct);
    }
}
