using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContactHub.Data;

/// <summary>The connection factory: one new, open connection per operation, for the configured engine.</summary>
public sealed class Db : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;

    static Db() => DapperSetup.Configure();

    public Db(IOptions<DatabaseOptions> options, IHostEnvironment environment)
        : this(options.Value.ProviderKind, options.Value.ConnectionString!, environment.ContentRootPath) { }

    public Db(DatabaseProvider provider, string connectionString, string contentRoot)
    {
        Dialect = SqlDialect.For(provider);
        ConnectionString = provider == DatabaseProvider.Sqlite
            ? PrepareSqlite(connectionString, contentRoot)
            : connectionString;
        if (provider == DatabaseProvider.Postgres)
            _postgres = new NpgsqlDataSourceBuilder(ConnectionString).Build();
        Group = new GroupCommit(this);
        Reads = new ReadConnections(this);
    }

    public SqlDialect Dialect { get; }

    /// <summary>Serialises this process's SQLite write transactions (see <see cref="Transactions.InTransactionAsync{T}"/>).</summary>
    internal SemaphoreSlim WriteGate { get; } = new(1, 1);

    /// <summary>This process's SQLite group commit (see <see cref="Transactions.InSharedTransactionAsync{T}"/>).</summary>
    internal GroupCommit Group { get; }

    /// <summary>Connections for the hot read paths, kept open with their prepared statements on SQLite.</summary>
    public ReadConnections Reads { get; }

    public DatabaseProvider Provider => Dialect.Provider;

    public string ConnectionString { get; }

    /// <summary>Renders a portable query text for this engine.</summary>
    public string Sql(string portable) => Dialect.Render(portable);

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        DbConnection connection = Provider switch
        {
            DatabaseProvider.Postgres => _postgres!.CreateConnection(),
            DatabaseProvider.SqlServer => new SqlConnection(ConnectionString),
            _ => new SqliteConnection(ConnectionString),
        };
        try
        {
            await connection.OpenAsync(ct);
            if (Provider == DatabaseProvider.Sqlite)
                await SqlitePragmas(connection, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A connection for a long run of writes (the group-commit writer, an import): on SQLite it gets a 32 MiB page cache
    /// instead of the default 2 MiB, so that the indexes an insert touches at random stay in memory (import: +25%).
    /// </summary>
    public async Task<DbConnection> OpenWriterAsync(CancellationToken ct = default)
    {
        var connection = await OpenAsync(ct);
        if (Provider == DatabaseProvider.Sqlite)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA cache_size = -32768;";
            await command.ExecuteNonQueryAsync(ct);
        }
        return connection;
    }

    // Per-connection settings: NORMAL sync is durable in WAL mode except on power loss of the OS.
    private static async Task SqlitePragmas(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Resolves a relative file against the content root and creates its folder.</summary>
    internal static string PrepareSqlite(string connectionString, string contentRoot)
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

    public async ValueTask DisposeAsync()
    {
        await Group.DisposeAsync();
        await Reads.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
