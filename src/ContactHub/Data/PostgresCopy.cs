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

    /// <summary><paramref name="count"/> new ids of <paramref name="table"/>'s identity, ascending (the order rows get them one by one).</summary>
    public static async Task<long[]> NextIdsAsync(NpgsqlConnection connection, string table, int count, CancellationToken ct)
    {
        if (count == 0) return [];
        // Table names are the code's own constants, never input.
        await using var command = new NpgsqlCommand($"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1) ORDER BY 1", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        var ids = new long[count];
        await using var reader = await command.ExecuteReaderAsync(ct);
        for (var n = 0; await reader.ReadAsync(ct); n++) ids[n] = reader.GetInt64(0);
        return ids;
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
