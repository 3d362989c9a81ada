using System.Data.Common;
using Dapper;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.Sqlite;
using Quartz;

namespace ContactHub.Data;

/// <summary>The embedded default: one file, one writer at a time (writers queue in-process, see <see cref="Transactions"/>).</summary>
public sealed class SqliteDialect : SqlDialect
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    public override bool SerializesWriters => true; // Microsoft.Data.Sqlite begins transactions IMMEDIATE

    // The write lock is held from the first write to the commit: the number read here is the next one in commit order too.
    public override string EventPosition => "(SELECT COALESCE(MAX(position), 0) + 1 FROM events)";
    public override string IndexedBy(string index) => $"INDEXED BY {index}";
    public override string Limit(string count) => $"LIMIT {count}";
    public override string Day(string column) => $"substr({column}, 1, 10)";
    public override string QuarterHour(string column) => $"(unixepoch({column}) / 900)";
    public override string List(string expression) => $"group_concat({expression}, ', ')";
    public override string Seconds(string start, string end) => $"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)";
    public override string Now => "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')";

    /// <summary>Resolves a relative file against the content root and creates its folder.</summary>
    public override string PrepareConnectionString(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var path = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.DataSource = path;
        }
        builder.Pooling = true;
        if (builder.DefaultTimeout < 30) builder.DefaultTimeout = 30;
        return builder.ToString();
    }

    public override DbDataSource CreateDataSource(string connectionString) => SqliteFactory.Instance.CreateDataSource(connectionString);

    // Per-connection settings: NORMAL sync is durable in WAL mode except on power loss of the OS.
    public override Task OnOpenAsync(DbConnection connection, CancellationToken ct) =>
        Run(connection, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;", ct);

    // The group commit runs each unit in a savepoint, and SQLite keeps the pages a savepoint may have to restore in a
    // sub-journal that spills past 64 KiB to a temporary file: ~1,000 writes to /var/tmp per commit (strace of the writer
    // thread under ingest), three times its writes to the log. Kept in memory instead (temp_store): ingest of 100k / 1M,
    // published, wrk from outside, back to back: 4,745–4,958 → 5,396–5,510 req/s, CPU 0.19 → 0.17 ms an event (2026-11-27).
    // The writer keeps SQLite's default page cache, 2 MiB (named: a pooled connection may have had another). While the file
    // is under 1 GiB, a B-tree page split parks a page at the number after the lock page (262,145 for 4 KiB pages) for a
    // moment, and each commit after one walks the whole page cache to drop what lies past the file's end: with 32 MiB,
    // ~8,000 pages a commit, 3.5% of the service's CPU under ingest (perf; uprobes on SQLite's pcache1). Ingest of 100k / 1M,
    // published builds alternating: 3,791 → 3,910 req/s, 0.272 → 0.258 ms an event (2026-11-28, a half-speed hour).
    public override Task OnOpenWriterAsync(DbConnection connection, CancellationToken ct) => Run(connection, "PRAGMA cache_size = -2000; PRAGMA temp_store = MEMORY;", ct);

    // An import lets the write-ahead log grow to 64 MiB (16,384 pages) before its commit copies it back into the file, instead
    // of 4 MiB: the index pages its rows touch at random are copied once per 64 MiB however often they changed (import of a
    // time-sorted CSV into 100k / 1M: 3,375–4,107 → 4,516–4,820 rows/s, 2026-11-26). That commit holds the write lock ~0.1 s;
    // the service's own writer keeps SQLite's default (a background checkpointer measured +45% ingest but p99 27 → 80–140 ms).
    // Its 32 MiB page cache keeps the indexes its rows touch at random in memory (+25%); it commits every 250 rows, so its
    // walk of the cache after a page split (above) costs it little: 0.6% of its CPU samples (perf, 100k rows into 100k / 1M).
    public override Task OnOpenBulkWriterAsync(DbConnection connection, CancellationToken ct) =>
        Run(connection, "PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 16384;", ct);

    // SQLite compiles once and rebinds: compiling costs several times what running does.
    public override void Prepare(DbCommand command) => command.Prepare();

    public override bool KeepsConnections => true;

    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another writer held the file past the busy timeout.
    public override bool IsOutage(DbException exception) => exception is SqliteException { SqliteErrorCode: 5 or 6 } || exception.IsTransient;

    public override string ErrorCode(DbException exception) =>
        exception is SqliteException sqlite ? sqlite.SqliteExtendedErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : base.ErrorCode(exception);

    public override string MigrationsFolder => "sqlite";

    public override UpgradeEngineBuilder Migrations(string connectionString) => DeployChanges.To.SqliteDatabase(connectionString);

    /// <summary>A lock file beside the database; WAL (a property of the file) is set while holding it.</summary>
    public override async Task<IAsyncDisposable> MigrationLockAsync(Db db, CancellationToken ct)
    {
        var path = new SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
        if (path == ":memory:" || string.IsNullOrEmpty(path)) return ConnectionLock.None;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                var file = new FileStream(path + ".migrate.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                await using (var connection = await db.OpenAsync(ct))
                    await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: ct));
                return file;
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                // The folder takes no file (read-only, not ours, /proc): no other process holds the lock, so waiting for it would
                // hang start-up for two minutes. The database cannot be opened there either; SQLite says so in its own words.
                await (await db.OpenAsync(ct)).DisposeAsync();
                throw;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct); // another process holds the lock: it is migrating
            }
        }
    }

    // Quartz refuses clustering on SQLite: a single node.
    public override void UseQuartzStore(IPersistentStoreBuilder store, string connectionString) => store.UseSqlite(connectionString);

    private static async Task Run(DbConnection connection, string pragmas, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        await command.ExecuteNonQueryAsync(ct);
    }
}
