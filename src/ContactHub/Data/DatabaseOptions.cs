using System.ComponentModel.DataAnnotations;

namespace ContactHub.Data;

public enum DatabaseProvider { Sqlite, SqlServer, Postgres }

public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    public string? Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    public string? ConnectionString { get; set; } = "Data Source=data/contacthub.db";

    /// <summary>Apply pending migrations when the service starts (the `migrate` command always does).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// On PostgreSQL and SQL Server, how many hot reads (screen-pop, contact, timeline) run at once; the others queue in order.
    /// 0: two per processor of this machine (raise it where the database has cores of its own). See <see cref="ReadConnections"/>.
    /// </summary>
    public int ConcurrentReads { get; set; }

    /// <summary>
    /// On PostgreSQL and SQL Server, how many connections record events (and other small writes) in shared transactions, a commit
    /// per group rather than per event (see <see cref="GroupCommit"/>); 0: each in a transaction of its own. Empty: 4. SQLite
    /// always has one writer.
    /// </summary>
    public int? GroupCommitConnections { get; set; }

    /// <summary>
    /// How long the work of a request its client abandoned goes on before it is cancelled (see <see cref="AbandonedRequests"/>):
    /// a short request finishes rather than have its statement cancelled, which costs PostgreSQL a connection. 0: at once.
    /// </summary>
    public TimeSpan CancelAfterAbort { get; set; } = TimeSpan.FromSeconds(1);

    public DatabaseProvider ProviderKind => Enum.Parse<DatabaseProvider>(Provider!, ignoreCase: true);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out _) || int.TryParse(Provider, out _))
            yield return new($"{Section}:Provider must be one of Sqlite, SqlServer, Postgres (was '{Provider}').", [nameof(Provider)]);
        if (ConcurrentReads is < 0 or > 1_000)
            yield return new($"{Section}:ConcurrentReads must be 0 (two per processor) to 1000 (was {ConcurrentReads}).", [nameof(ConcurrentReads)]);
        if (GroupCommitConnections is < 0 or > 64)
            yield return new($"{Section}:GroupCommitConnections must be 0 (a transaction per event) to 64 (was {GroupCommitConnections}).", [nameof(GroupCommitConnections)]);
        if (CancelAfterAbort < TimeSpan.Zero || CancelAfterAbort > TimeSpan.FromMinutes(10))
            yield return new($"{Section}:CancelAfterAbort must be 00:00:00 (at once) to 00:10:00 (was {CancelAfterAbort}).", [nameof(CancelAfterAbort)]);
        if (string.IsNullOrWhiteSpace(ConnectionString))
            yield return new($"{Section}:ConnectionString is required.", [nameof(ConnectionString)]);
        else if (Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var provider) && Unreadable(provider, ConnectionString) is { } reason)
            yield return new($"{Section}:ConnectionString is not a {provider} connection string: {reason}", [nameof(ConnectionString)]);
    }

    /// <summary>
    /// Why the engine's driver refuses the connection string, in its words — a key it does not know or a value it cannot read, never
    /// the values themselves (the password is among them). "Max Pool Size", SQL Server's spelling, is not Npgsql's, for one.
    /// </summary>
    private static string? Unreadable(DatabaseProvider provider, string connectionString)
    {
        try
        {
            // One method per engine: the JIT loads only the configured engine's driver (~1.4 MiB resident each for the others).
            switch (provider)
            {
                case DatabaseProvider.Postgres: ReadPostgres(connectionString); break;
                case DatabaseProvider.SqlServer: ReadSqlServer(connectionString); break;
                default: ReadSqlite(connectionString); break;
            }
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return ex.Message;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ReadPostgres(string connectionString) => _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ReadSqlServer(string connectionString) => _ = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ReadSqlite(string connectionString) => _ = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
}
