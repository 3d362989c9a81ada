using System.Data.Common;
using System.Globalization;

namespace ContactHub.Data;

/// <summary>
/// One statement run once per row, for bulk writes. Where the engine batches commands (PostgreSQL, SQL Server: ADO.NET's
/// <see cref="DbBatch"/>) a thousand rows go in one round trip; SQLite, which has no round trips, reruns one prepared
/// command (<see cref="PreparedStatements"/>). Ids come back in the rows' order: each row is its own command.
/// </summary>
public static class StatementBatches
{
    private const int RowsPerBatch = 1_000;

    /// <summary>
    /// Runs different statements that return nothing, in order: one round trip where the engine batches commands (an event's
    /// conversation touch and its events, say), one prepared command after another on SQLite. Where it batches, adjacent inserts
    /// of one text go as one multi-row statement (<see cref="RowsInsert"/>).
    /// </summary>
    public static async Task RunTogetherAsync(this Db db, DbConnection connection, DbTransaction transaction,
        IReadOnlyList<(string Portable, (string Name, object? Value)[] Row)> statements, CancellationToken ct)
    {
        if (!connection.CanCreateBatch || statements.Count == 1)
        {
            foreach (var (portable, row) in statements) await db.Prepared(connection, transaction, portable, row).ExecuteNonQueryAsync(ct);
            return;
        }
        await using var batch = NewBatch(connection, transaction, Merged(db, statements));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The statements rendered, each run of adjacent inserts of one text as multi-row statements.</summary>
    private static IEnumerable<(string Sql, (string Name, object? Value)[] Row)> Merged(Db db,
        IReadOnlyList<(string Portable, (string Name, object? Value)[] Row)> statements)
    {
        for (var n = 0; n < statements.Count;)
        {
            var portable = statements[n].Portable;
            var sql = db.Sql(portable);
            var end = n + 1;
            while (end < statements.Count && statements[end].Portable == portable) end++;
            if (end - n > 1 && RowsInsert.Of(sql) is { } insert)
            {
                var rows = new (string, object?)[end - n][];
                for (var k = n; k < end; k++) rows[k - n] = statements[k].Row;
                foreach (var statement in insert.Statements(rows)) yield return statement;
            }
            else
                for (var k = n; k < end; k++) yield return (sql, statements[k].Row);
            n = end;
        }
    }

    /// <summary>Runs <paramref name="portable"/> for each row; returns the id each returns ({OUTPUT_ID}/{RETURNING_ID}) when <paramref name="returnsId"/>.</summary>
    public static async Task<List<long>> RunEachAsync(this Db db, DbConnection connection, DbTransaction transaction, string portable,
        IReadOnlyList<(string Name, object? Value)[]> rows, bool returnsId, CancellationToken ct)
    {
        if (returnsId)
            return (await db.FirstOfEachAsync(connection, transaction, portable, rows, ct))
                .ConvertAll(id => Convert.ToInt64(id ?? throw new InvalidOperationException("An insert returned no id."), CultureInfo.InvariantCulture));
        if (!connection.CanCreateBatch)
        {
            foreach (var row in rows) await db.Prepared(connection, transaction, portable, row).ExecuteNonQueryAsync(ct);
            return [];
        }
        var sql = db.Sql(portable);
        foreach (var chunk in rows.Chunk(RowsPerBatch))
        {
            await using var batch = NewBatch(connection, transaction, chunk.Select(row => (sql, row)));
            await batch.ExecuteNonQueryAsync(ct);
        }
        return [];
    }

    /// <summary>Runs the query <paramref name="portable"/> for each row: the first column of its first row, or null where it finds none.</summary>
    public static async Task<List<object?>> FirstOfEachAsync(this Db db, DbConnection connection, DbTransaction transaction, string portable,
        IReadOnlyList<(string Name, object? Value)[]> rows, CancellationToken ct)
    {
        var firsts = new List<object?>(rows.Count);
        if (!connection.CanCreateBatch)
        {
            foreach (var row in rows)
                firsts.Add(await db.Prepared(connection, transaction, portable, row).ExecuteScalarAsync(ct) is { } value and not DBNull ? value : null);
            return firsts;
        }
        var sql = db.Sql(portable);
        foreach (var chunk in rows.Chunk(RowsPerBatch))
        {
            await using var batch = NewBatch(connection, transaction, chunk.Select(row => (sql, row)));
            await using var reader = await batch.ExecuteReaderAsync(ct);
            do firsts.Add(await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? reader.GetValue(0) : null);
            while (await reader.NextResultAsync(ct));
        }
        return firsts;
    }

    /// <summary>One batch of these commands, in the transaction, in order.</summary>
    private static DbBatch NewBatch(DbConnection connection, DbTransaction transaction, IEnumerable<(string Sql, (string Name, object? Value)[] Row)> commands)
    {
        var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var (sql, row) in commands) batch.BatchCommands.Add(Command(batch, sql, row));
        return batch;
    }

    internal static DbBatchCommand Command(DbBatch batch, string sql, (string Name, object? Value)[] row)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        foreach (var (name, value) in row)
        {
            // "name:DbType" as for PreparedStatements: a type for a value that may be null.
            var typed = name.Split(':');
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + typed[0];
            if (typed.Length == 2) parameter.DbType = Enum.Parse<System.Data.DbType>(typed[1]);
            parameter.Value = PreparedStatements.DbValue(value);
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
