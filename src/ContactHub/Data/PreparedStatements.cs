using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace ContactHub.Data;

/// <summary>
/// Commands kept with the open connection that runs them, for the statements of the write path: compiling an
/// insert of an interaction costs SQLite several times what running it does (about 25 µs against 6 µs here), and
/// a long-lived connection (the group-commit writer, an import) runs the same few statements thousands of times.
/// On a connection opened for one request the command is simply made once and dropped with it.
/// Values are bound by name, and every call must bind exactly the parameters the statement was prepared with: a call
/// that forgets one fails instead of running with the previous call's value. Timestamps are written in UTC as Dapper's
/// handler does. A name may carry a type (<c>"channel:String"</c>) for a parameter that can be NULL where the engine
/// must know its type.
/// </summary>
public static class PreparedStatements
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Cache = new();

    public static DbCommand Prepared(this Db db, DbConnection connection, DbTransaction? transaction, string portable, params (string Name, object? Value)[] parameters)
    {
        var commands = Cache.GetOrCreateValue(connection);
        if (!commands.TryGetValue(portable, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = db.Sql(portable);
            var typedAt = new bool[parameters.Length];
            for (var n = 0; n < parameters.Length; n++)
            {
                var parameter = command.CreateParameter();
                // "name:Type" types a parameter that may be NULL where the engine cannot infer it (PostgreSQL's "@p IS NULL").
                var typed = parameters[n].Name.Split(':');
                parameter.ParameterName = "@" + typed[0];
                if (typed.Length == 2) (parameter.DbType, typedAt[n]) = (Enum.Parse<System.Data.DbType>(typed[1]), true);
                command.Parameters.Add(parameter);
            }
            command = command is Microsoft.Data.Sqlite.SqliteCommand sqlite ? new SqliteStatementCommand(sqlite, typedAt) : command;
            db.Dialect.Prepare(command);
            commands[portable] = command;
        }
        command.Transaction = transaction;
        return Bind(command, parameters);
    }

    private static DbCommand Bind(DbCommand command, (string Name, object? Value)[] parameters)
    {
        if (parameters.Length != command.Parameters.Count)
            throw new InvalidOperationException($"The statement was prepared with {command.Parameters.Count} parameters ({Names(command)}); this call binds {parameters.Length}.");
        for (var n = 0; n < parameters.Length; n++)
        {
            var (name, value) = parameters[n];
            var bare = name.AsSpan(0, name.IndexOf(':') is var colon and >= 0 ? colon : name.Length);
            // The same call binds its names in the order it prepared them: looked up by name only when they differ.
            var parameter = command.Parameters[n] is var at && at.ParameterName.AsSpan(1).SequenceEqual(bare) ? at : ByName(command, bare);
            parameter.Value = DbValue(value);
        }
        return command;
    }

    private static DbParameter ByName(DbCommand command, ReadOnlySpan<char> bare)
    {
        var key = "@" + bare.ToString();
        if (!command.Parameters.Contains(key))
            throw new InvalidOperationException($"The statement was prepared with the parameters {Names(command)}; this call binds {key}, which it does not have.");
        return command.Parameters[key];
    }

    /// <summary>A value as bound: NULL for null, a timestamp in UTC.</summary>
    internal static object DbValue(object? value) => value switch { null => DBNull.Value, DateTimeOffset at => at.ToUniversalTime(), _ => value };

    private static string Names(DbCommand command) => string.Join(", ", command.Parameters.Cast<DbParameter>().Select(p => p.ParameterName));

    public static async Task<long?> ScalarInt64Async(this DbCommand command, CancellationToken ct) =>
        await command.ExecuteScalarAsync(ct) is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    /// <summary>A timestamp column as UTC, whichever type the engine hands back (SQLite: text).</summary>
    public static DateTimeOffset Timestamp(this DbDataReader reader, int ordinal) => DapperSetup.ParseTimestamp(reader.GetValue(ordinal));

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
