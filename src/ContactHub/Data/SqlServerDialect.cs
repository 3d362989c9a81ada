using System.Data.Common;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.SqlClient;
using Quartz;

namespace ContactHub.Data;

/// <summary>The production engine named by the user. No SQL Server runs here: its texts are parsed by ScriptDom in the tests.</summary>
public sealed class SqlServerDialect : SqlDialect
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;
    public override string Limit(string count) => $"OFFSET 0 ROWS FETCH NEXT {count} ROWS ONLY";
    public override string OutputId => "OUTPUT INSERTED.id";
    public override string ReturningId => "";
    public override string Lock => "WITH (UPDLOCK, HOLDLOCK)";
    public override string OnConflictIgnore => "";
    public override string Day(string column) => $"CONVERT(char(10), {column}, 23)";
    public override string QuarterHour(string column) => $"(DATEDIFF_BIG(second, CAST('1970-01-01T00:00:00+00:00' AS datetimeoffset), {column}) / 900)";
    public override string List(string expression) => $"STRING_AGG({expression}, ', ')";
    public override string Seconds(string start, string end) => $"DATEDIFF_BIG(second, {start}, {end})";
    public override string Now => "SYSUTCDATETIME()";
    public override int GroupCommitConnections => 4;

    // A deadlock's victim (1205) loses its whole transaction: its group's units run again each alone.
    public override bool LostRaceEndsTransaction => true;

    public override DbDataSource CreateDataSource(string connectionString) => SqlClientFactory.Instance.CreateDataSource(connectionString);

    // 2627: unique constraint, 2601: unique index.
    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqlException { Number: 2627 or 2601 };

    // 1205: chosen as the deadlock victim.
    public override bool IsRaceLost(DbException exception) => exception is SqlException { Number: 1205 or 2627 or 2601 };

    public override string ErrorCode(DbException exception) =>
        exception is SqlException sql ? sql.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) : base.ErrorCode(exception);

    public override string MigrationsFolder => "sqlserver";

    public override UpgradeEngineBuilder Migrations(string connectionString) => DeployChanges.To.SqlDatabase(connectionString);

    public override Task<IAsyncDisposable> MigrationLockAsync(Db db, CancellationToken ct) =>
        ConnectionLock.AcquireAsync(db,
            "EXEC sp_getapplock @Resource = 'contacthub-migrate', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 120000",
            "EXEC sp_releaseapplock @Resource = 'contacthub-migrate', @LockOwner = 'Session'", null, 130, ct);

    public override void UseQuartzStore(IPersistentStoreBuilder store, string connectionString)
    {
        store.UseSqlServer(connectionString);
        store.UseClustering();
    }
}
