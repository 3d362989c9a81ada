using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;

namespace ContactHub.Data;

/// <summary>
/// The only SQL that differs between engines. Queries are written once as portable text with
/// tokens — <c>{LIMIT:@n}</c>, <c>{IN:@list}</c>, <c>{OUTPUT_ID}</c>, <c>{RETURNING_ID}</c>, <c>{LOCK}</c>,
/// <c>{ON_CONFLICT_IGNORE}</c>, <c>{DAY:column}</c>, <c>{QUARTER_HOUR:column}</c>, <c>{SECONDS:start,end}</c>, <c>{NOW}</c>, <c>{LIST:expression}</c>, <c>{EVENT_POSITION}</c>, <c>{NEXT_VALUE:table}</c>, <c>{INDEXED_BY:index}</c> — and rendered here once per text.
/// </summary>
public abstract partial class SqlDialect
{
    private readonly ConcurrentDictionary<string, string> _rendered = new();

    public abstract DatabaseProvider Provider { get; }

    /// <summary>Row limit at the end of an ordered query.</summary>
    public abstract string Limit(string count);

    /// <summary>Membership in a list parameter: Dapper expands "IN @list" itself, except for Npgsql, which takes arrays.</summary>
    public virtual string In(string list) => $"IN {list}";

    /// <summary>Placed between the column list and VALUES/SELECT of an INSERT (SQL Server's OUTPUT).</summary>
    public virtual string OutputId => "";

    /// <summary>Placed at the end of an INSERT (RETURNING on SQLite and PostgreSQL).</summary>
    public virtual string ReturningId => "RETURNING id";

    /// <summary>Table hint making an insert-if-absent's NOT EXISTS check hold its range until commit.</summary>
    public virtual string Lock => "";

    /// <summary>
    /// An expression taking the next id of <paramref name="table"/>'s identity, for a statement that takes ids ahead of their
    /// inserts; NULL where the engine's identity cannot be given explicitly (SQL Server's IDENTITY: the insert returns its id).
    /// </summary>
    public virtual string NextValue(string table) => "NULL";

    /// <summary>True where <see cref="NextValue"/> takes ids ahead (PostgreSQL).</summary>
    public virtual bool TakesIdsAhead => false;

    /// <summary>Suffix of a SELECT that locks the rows it reads until commit without writing them (PostgreSQL's FOR UPDATE).</summary>
    public virtual string ForUpdate => "";

    /// <summary>True when a write transaction holds the whole database from its start (SQLite's BEGIN IMMEDIATE): no row locks needed.</summary>
    public virtual bool SerializesWriters => false;

    /// <summary>
    /// How many connections record small write units in shared transactions by default (<see cref="GroupCommit"/>); 0: each unit
    /// in a transaction of its own.
    /// </summary>
    public virtual int GroupCommitConnections => 0;

    /// <summary>
    /// True where losing a race ends the whole transaction, not only the statement: SQL Server rolls a deadlock's victim back
    /// entirely, savepoints and all. A shared group whose unit fails then runs each unit alone (<see cref="GroupCommit"/>)
    /// instead of again with a savepoint each.
    /// </summary>
    public virtual bool LostRaceEndsTransaction => false;

    /// <summary>
    /// An appended event's cursor. Where writers are serialised, a transaction commits before the next one writes, so the next number
    /// can be taken at insert (and the sequencer has nothing to do); elsewhere NULL, for the sequencer to give once the row is committed.
    /// </summary>
    public virtual string EventPosition => "NULL";

    /// <summary>
    /// After a table in FROM: the index a query must read it by, where the engine plans without statistics (SQLite: nothing runs
    /// ANALYZE, so it takes an index that avoids a sort over one that probes a contact's few rows); nothing on engines that keep them.
    /// </summary>
    public virtual string IndexedBy(string index) => "";

    /// <summary>Suffix making an INSERT skip rows that hit a unique key.</summary>
    public virtual string OnConflictIgnore => "ON CONFLICT DO NOTHING";

    /// <summary>The UTC calendar day of a timestamp column, as 'yyyy-MM-dd' text.</summary>
    /// <summary>An aggregate joining a text column's values with ", " (the wrap-up codes of a conversation in one cell).</summary>
    public abstract string List(string expression);

    public abstract string Day(string column);

    /// <summary>
    /// The UTC quarter-hour a timestamp falls in, as whole quarter-hours since 1970-01-01 00:00 UTC (an integer): rows grouped by it
    /// can be counted per local hour in code, exactly in any time zone whose offset is a whole number of quarter-hours (all of today's).
    /// </summary>
    public abstract string QuarterHour(string column);

    /// <summary>Whole seconds from one timestamp expression to another (NULL when either is NULL).</summary>
    public abstract string Seconds(string start, string end);

    public abstract string Now { get; }

    // ---- Connections: each engine opens and tunes its own.

    /// <summary>The connection string as this engine wants it (SQLite: the file resolved against the content root, its folder created).</summary>
    public virtual string PrepareConnectionString(string connectionString, string contentRoot) => connectionString;

    /// <summary>Where connections come from: the driver's own pool or data source.</summary>
    public abstract DbDataSource CreateDataSource(string connectionString);

    /// <summary>Per-connection settings run once each time a connection is opened.</summary>
    public virtual Task OnOpenAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Settings for a connection kept for a long run of writes (the group-commit writer, an import).</summary>
    public virtual Task OnOpenWriterAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Settings for a writer that favours throughput over the length of each lock it holds (an import).</summary>
    public virtual Task OnOpenBulkWriterAsync(DbConnection connection, CancellationToken ct) => OnOpenWriterAsync(connection, ct);

    /// <summary>Prepares a command kept on its connection (see <see cref="PreparedStatements"/>); engines that plan per call leave it.</summary>
    public virtual void Prepare(DbCommand command) { }

    /// <summary>True when compiled statements are worth keeping on open connections between requests (see <see cref="ReadConnections"/>).</summary>
    public virtual bool KeepsConnections => false;

    /// <summary>What settles a database after a bulk load of many rows (statistics, visibility), run outside a transaction; null when the engine needs nothing.</summary>
    public virtual string? AfterBulkLoad => null;

    // ---- Errors: what a driver's exception means to ContactHub.

    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>A concurrent writer won (unique key, deadlock, serialization failure): the unit of work is retried from the start.</summary>
    public virtual bool IsRaceLost(DbException exception) => IsUniqueViolation(exception);

    /// <summary>The database cannot be reached or is busy: the request may be repeated later (503).</summary>
    public virtual bool IsOutage(DbException exception) => exception.IsTransient;

    /// <summary>The value cannot be stored by this engine (PostgreSQL refuses NUL characters in text): the client's input is at fault (400).</summary>
    public virtual bool IsUnstorableText(DbException exception) => false;

    /// <summary>The engine's own code for an error, for logs (never its message, which may hold data).</summary>
    public virtual string ErrorCode(DbException exception) => exception.ErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // ---- Migrations and the scheduler's store.

    /// <summary>The folder of sql/ holding this engine's migrations.</summary>
    public abstract string MigrationsFolder { get; }

    public abstract DbUp.Builder.UpgradeEngineBuilder Migrations(string connectionString);

    /// <summary>Held while migrating, so that two instances starting together apply each script once.</summary>
    public abstract Task<IAsyncDisposable> MigrationLockAsync(Db db, CancellationToken ct);

    /// <summary>Quartz's persistent store on this engine, clustered where the engine allows it.</summary>
    public abstract void UseQuartzStore(Quartz.IPersistentStoreBuilder store, string connectionString);

    /// <summary>Renders a portable query text for this engine (cached: each text is rendered once).</summary>
    public string Render(string sql) => _rendered.GetOrAdd(sql, RenderCore);

    private string RenderCore(string sql) => Token().Replace(sql, m => m.Groups[1].Value switch
    {
        "LIMIT" => Limit(m.Groups[2].Value),
        "IN" => In(m.Groups[2].Value),
        "OUTPUT_ID" => OutputId,
        "RETURNING_ID" => ReturningId,
        "LOCK" => Lock,
        "FOR_UPDATE" => ForUpdate,
        "ON_CONFLICT_IGNORE" => OnConflictIgnore,
        "DAY" => Day(m.Groups[2].Value),
        "QUARTER_HOUR" => QuarterHour(m.Groups[2].Value),
        "SECONDS" when m.Groups[2].Value.Split(',') is [var start, var end] => Seconds(start.Trim(), end.Trim()),
        "NOW" => Now,
        "EVENT_POSITION" => EventPosition,
        "NEXT_VALUE" => NextValue(m.Groups[2].Value),
        "INDEXED_BY" => IndexedBy(m.Groups[2].Value),
        "LIST" => List(m.Groups[2].Value),
        var unknown => throw new InvalidOperationException($"Unknown SQL token {{{unknown}}}."),
    });

    [GeneratedRegex(@"\{([A-Z_]+)(?::([^}]+))?\}")]
    private static partial Regex Token();

    /// <summary>The one place that names the engines: adding one is a subclass, its migrations and a line here.</summary>
    public static SqlDialect For(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteDialect(),
        DatabaseProvider.Postgres => new PostgresDialect(),
        DatabaseProvider.SqlServer => new SqlServerDialect(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}
