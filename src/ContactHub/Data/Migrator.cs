using System.Data.Common;
using Dapper;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.Sqlite;

namespace ContactHub.Data;

/// <summary>
/// Applies the forward-only scripts of sql/{engine}/ with DbUp. Two instances starting together
/// are serialised by a lock: an advisory lock on PostgreSQL, an application lock on SQL Server,
/// a lock file beside the database on SQLite.
/// </summary>
public sealed class Migrator(Db db, ILogger<Migrator> logger)
{
    private const long PostgresLockKey = 0x436F6E7461637448; // "ContactH"

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await using var hold = await AcquireLockAsync(ct);
        var upgrader = Target()
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error?.Message}", result.Error);
        var applied = result.Scripts.Select(s => s.Name).ToList();
        foreach (var script in applied) DataLog.MigrationApplied(logger, script);
        DataLog.MigrationsDone(logger, db.Provider, applied.Count);
        return applied;
    }

    /// <summary>Embedded resource names of this engine's scripts start with this.</summary>
    public string ScriptPrefix => $"sql/{Folder(db.Provider)}/";

    public static string Folder(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.SqlServer => "sqlserver",
        DatabaseProvider.Postgres => "postgres",
        _ => "sqlite",
    };

    private UpgradeEngineBuilder Target() => db.Provider switch
    {
        DatabaseProvider.Postgres => DeployChanges.To.PostgresqlDatabase(db.ConnectionString),
        DatabaseProvider.SqlServer => DeployChanges.To.SqlDatabase(db.ConnectionString),
        _ => DeployChanges.To.SqliteDatabase(db.ConnectionString),
    };

    private async Task<IAsyncDisposable> AcquireLockAsync(CancellationToken ct)
    {
        switch (db.Provider)
        {
            case DatabaseProvider.Postgres:
            {
                var connection = await db.OpenAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = PostgresLockKey }, cancellationToken: ct));
                return new ConnectionLock(connection, "SELECT pg_advisory_unlock(@key)", new { key = PostgresLockKey });
            }
            case DatabaseProvider.SqlServer:
            {
                var connection = await db.OpenAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(
                    "EXEC sp_getapplock @Resource = 'contacthub-migrate', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 120000",
                    cancellationToken: ct, commandTimeout: 130));
                return new ConnectionLock(connection, "EXEC sp_releaseapplock @Resource = 'contacthub-migrate', @LockOwner = 'Session'", null);
            }
            default:
                return await SqliteLock(ct);
        }
    }

    private async Task<IAsyncDisposable> SqliteLock(CancellationToken ct)
    {
        var path = new SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
        if (path == ":memory:" || string.IsNullOrEmpty(path)) return new ConnectionLock(null, null, null);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                var file = new FileStream(path + ".migrate.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                // WAL lets readers work during writes; it is a property of the file, set once.
                await using (var connection = await db.OpenAsync(ct))
                    await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: ct));
                return file;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private sealed class ConnectionLock(DbConnection? connection, string? release, object? args) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection is null) return;
            try { await connection.ExecuteAsync(release!, args); }
            finally { await connection.DisposeAsync(); }
        }
    }
}
