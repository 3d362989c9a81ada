using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ContactHub.Data;

/// <summary>
/// A command kept on a SQLite connection (<see cref="PreparedStatements"/>) whose statement runs through SQLite's own calls,
/// its values bound by the index each name was given once. Microsoft.Data.Sqlite looks every parameter's index up by name,
/// converts the name to UTF-8 and opens a data reader at each run: an insert of an interaction's 17 values took 3.8 µs
/// through it against 1.6 µs so, SQLite's own work included (docs/BENCHMARKS.md). Values are bound as Microsoft.Data.Sqlite
/// binds them; a value of any other kind, a text of several statements and every reader go through the wrapped command.
/// A file locked by another writer is waited out by the connection's busy_timeout (<see cref="SqliteDialect"/>), not by
/// Microsoft.Data.Sqlite's own retries.
/// </summary>
internal sealed class SqliteStatementCommand : DbCommand
{
    private readonly SqliteCommand inner;
    private readonly bool[] typed;
    private sqlite3? _db;
    private sqlite3_stmt? _statement;
    private int[] _indexes = [];
    private bool _plain = true;

    /// <param name="typed">Which parameters were given a type (the rest bind as their values' kinds).</param>
    public SqliteStatementCommand(SqliteCommand inner, bool[] typed)
    {
        (this.inner, this.typed) = (inner, typed);
        // A statement left unfinalised keeps its connection from closing (the pool's, or the last one, which checkpoints the log
        // into the file as it closes): it is finalised when the connection closes, and prepared again on the next open.
        inner.Connection?.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed) Finalise();
        };
    }

    private void Finalise()
    {
        _statement?.Dispose();
        (_db, _statement) = (null, null);
    }

    [AllowNull]
    public override string CommandText { get => inner.CommandText; set => inner.CommandText = value; }
    public override int CommandTimeout { get => inner.CommandTimeout; set => inner.CommandTimeout = value; }
    public override CommandType CommandType { get => inner.CommandType; set => inner.CommandType = value; }
    public override bool DesignTimeVisible { get => inner.DesignTimeVisible; set => inner.DesignTimeVisible = value; }
    public override UpdateRowSource UpdatedRowSource { get => inner.UpdatedRowSource; set => inner.UpdatedRowSource = value; }
    protected override DbConnection? DbConnection { get => inner.Connection; set => inner.Connection = (SqliteConnection?)value; }
    protected override DbParameterCollection DbParameterCollection => inner.Parameters;
    protected override DbTransaction? DbTransaction { get => inner.Transaction; set => inner.Transaction = (SqliteTransaction?)value; }

    public override void Cancel() => inner.Cancel();
    public override void Prepare() => inner.Prepare();
    protected override DbParameter CreateDbParameter() => inner.CreateParameter();
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => inner.ExecuteReader(behavior);

    public override int ExecuteNonQuery()
    {
        if (Bound() is not { } statement) return inner.ExecuteNonQuery();
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW) { }
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public override object? ExecuteScalar()
    {
        if (Bound() is not { } statement) return inner.ExecuteScalar();
        try
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE) return null;
            if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, _db);
            // The first column as Microsoft.Data.Sqlite's GetValue gives it. (An INSERT … RETURNING has made its changes by its first row.)
            return raw.sqlite3_column_type(statement, 0) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, 0),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, 0),
                raw.SQLITE_TEXT => raw.sqlite3_column_text(statement, 0).utf8_to_string(),
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(statement, 0).ToArray(),
                _ => DBNull.Value,
            };
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>The statement with this run's values bound; null where the wrapped command must run it.</summary>
    private sqlite3_stmt? Bound()
    {
        if (!_plain || inner.Connection?.Handle is not { } db) return null;
        if (_statement is null || !ReferenceEquals(db, _db))
        {
            Finalise();
            _db = db;
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, inner.CommandText, out var statement, out var tail), db);
            var indexes = new int[inner.Parameters.Count];
            for (var n = 0; n < indexes.Length; n++) indexes[n] = raw.sqlite3_bind_parameter_index(statement, inner.Parameters[n].ParameterName);
            // Several statements, or one with a parameter no value is given for (Microsoft.Data.Sqlite names it in its error):
            // the wrapped command runs it.
            if (!string.IsNullOrWhiteSpace(tail) || statement.IsInvalid || indexes.Where(i => i > 0).Distinct().Count() != raw.sqlite3_bind_parameter_count(statement))
            {
                statement.Dispose();
                _plain = false;
                return null;
            }
            (_statement, _indexes) = (statement, indexes);
        }
        var parameters = inner.Parameters;
        for (var n = 0; n < _indexes.Length; n++)
        {
            if (_indexes[n] == 0) continue;
            var parameter = parameters[n];
            if (!Bind(_statement, _indexes[n], parameter.Value, typed[n] ? parameter.DbType : null)) return null;
        }
        return _statement;
    }

    /// <summary>
    /// Binds a value as Microsoft.Data.Sqlite does, under the type a parameter was given if any (a time as its text, as given:
    /// the service passes times in UTC); false for what it leaves to it. <see cref="SqliteRows"/> binds with it too.
    /// </summary>
    internal static bool Bind(sqlite3_stmt statement, int index, object? value, DbType? type = null)
    {
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(statement, index),
            string text when type is null or DbType.String => raw.sqlite3_bind_text(statement, index, text),
            long number when type is null or DbType.Int64 => raw.sqlite3_bind_int64(statement, index, number),
            int number when type is null or DbType.Int32 => raw.sqlite3_bind_int64(statement, index, number),
            bool flag when type is null => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            DateTimeOffset at when type is null or DbType.DateTimeOffset =>
                raw.sqlite3_bind_text(statement, index, at.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)),
            _ => -1,
        };
        if (rc == -1) return false;
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, null);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Finalise();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
