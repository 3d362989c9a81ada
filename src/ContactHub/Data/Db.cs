using System.Data.Common;
using Microsoft.Extensions.Options;

namespace ContactHub.Data;

/// <summary>The connection factory: one new, open connection per operation, for the configured engine.</summary>
public sealed class Db : IAsyncDisposable
{
    private readonly DbDataSource _source;

    static Db() => DapperSetup.Configure();

    public Db(IOptions<DatabaseOptions> options, IHostEnvironment environment)
        : this(options.Value.ProviderKind, options.Value.ConnectionString!, environment.ContentRootPath, options.Value.ConcurrentReads,
            options.Value.GroupCommitConnections) { }

    /// <param name="groupSavepoints">See <see cref="GroupCommit"/>'s <c>savepoints</c>: empty, as the engine allows.</param>
    public Db(DatabaseProvider provider, string connectionString, string contentRoot, int concurrentReads = 0, int? groupCommitConnections = null,
        bool? groupSavepoints = null)
    {
        Dialect = SqlDialect.For(provider);
        ConnectionString = Dialect.PrepareConnectionString(connectionString, contentRoot);
        _source = Dialect.CreateDataSource(ConnectionString);
        Group = new GroupCommit(this, Dialect.SerializesWriters ? 1 : groupCommitConnections ?? Dialect.GroupCommitConnections, groupSavepoints);
        Reads = new ReadConnections(this, concurrentReads);
    }

    public SqlDialect Dialect { get; }

    /// <summary>Serialises this process's write transactions where the engine has one writer (see <see cref="Transactions.InTransactionAsync{T}"/>).</summary>
    internal SemaphoreSlim WriteGate { get; } = new(1, 1);

    /// <summary>True inside a unit of work that holds <see cref="WriteGate"/> (a nested unit does not wait for itself).</summary>
    internal AsyncLocal<bool> HoldsWriteGate { get; } = new();

    /// <summary>This process's group commit (see <see cref="Transactions.InSharedTransactionAsync{T}"/>).</summary>
    internal GroupCommit Group { get; }

    /// <summary>Connections for the hot read paths, kept open with their prepared statements on SQLite.</summary>
    public ReadConnections Reads { get; }

    public DatabaseProvider Provider => Dialect.Provider;

    public string ConnectionString { get; }

    /// <summary>Renders a portable query text for this engine.</summary>
    public string Sql(string portable) => Dialect.Render(portable);

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        var connection = _source.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            await Dialect.OnOpenAsync(connection, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection for a long run of writes (the group-commit writer, an import), tuned by the engine for it.</summary>
    public async Task<DbConnection> OpenWriterAsync(CancellationToken ct = default)
    {
        var connection = await OpenAsync(ct);
        await Dialect.OnOpenWriterAsync(connection, ct);
        return connection;
    }

    /// <summary>A writer connection for bulk work (an import): the engine may trade shorter locks for throughput.</summary>
    public async Task<DbConnection> OpenBulkWriterAsync(CancellationToken ct = default)
    {
        var connection = await OpenAsync(ct);
        await Dialect.OnOpenBulkWriterAsync(connection, ct);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await Group.DisposeAsync();
        await Reads.DisposeAsync();
        await _source.DisposeAsync();
    }
}
