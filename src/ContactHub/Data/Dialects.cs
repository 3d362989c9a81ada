using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ContactHub.Data;

public sealed class SqliteDialect : SqlDialect
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    public override bool SerializesWriters => true; // Microsoft.Data.Sqlite begins transactions IMMEDIATE
    public override string Limit(string count) => $"LIMIT {count}";
    public override string Day(string column) => $"substr({column}, 1, 10)";
    public override string Seconds(string start, string end) => $"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)";
    public override string Now => "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')";

    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };
}

public sealed class PostgresDialect : SqlDialect
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
    public override string Limit(string count) => $"LIMIT {count}";
    public override string In(string list) => $"= ANY({list})";
    public override string Day(string column) => $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
    public override string Seconds(string start, string end) => $"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS bigint)";
    public override string Now => "now()";

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}

public sealed class SqlServerDialect : SqlDialect
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;
    public override string Limit(string count) => $"OFFSET 0 ROWS FETCH NEXT {count} ROWS ONLY";
    public override string OutputId => "OUTPUT INSERTED.id";
    public override string ReturningId => "";
    public override string Lock => "WITH (UPDLOCK, HOLDLOCK)";
    public override string OnConflictIgnore => "";
    public override string Day(string column) => $"CONVERT(char(10), {column}, 23)";
    public override string Seconds(string start, string end) => $"DATEDIFF_BIG(second, {start}, {end})";
    public override string Now => "SYSUTCDATETIME()";

    // 2627: unique constraint, 2601: unique index.
    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqlException { Number: 2627 or 2601 };
}
