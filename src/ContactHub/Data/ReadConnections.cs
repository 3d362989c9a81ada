using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;

namespace ContactHub.Data;

/// <summary>
/// SQLite connections for the hot read paths (screen-pop, timeline), kept open between requests so that the
/// statements they run stay prepared (<see cref="PreparedStatements"/>): opening a pooled connection is cheap, but
/// compiling the screen-pop's six queries anew costs more than running them. At most <see cref="MaxKept"/> idle
/// connections are kept; readers must be disposed before the lease (they are, with <c>await using</c>), so that no
/// read snapshot outlives its query.
/// On the server engines a lease is a connection from the driver's pool, and at most <see cref="Concurrent"/> leases are out
/// at once; the next ones wait their turn in order. Thirty-two screen-pops at once on PostgreSQL on two cores kept 32
/// backends runnable beside the service: the operating system's scheduler, not a queue, chose who ran next, and one look-up
/// in a hundred waited 120–240 ms (median 4–5 ms). Measured with wrk from outside, 100k / 1M: four at a time 5,700–6,100
/// look-ups/s, p99 15–17 ms; eight 6,600–6,800, p99 28–35 ms; sixteen ~7,000, p99 74–109 ms; unlimited ~6,000–6,800, p99 120–240 ms.
/// </summary>
public sealed class ReadConnections(Db db, int concurrent) : IAsyncDisposable
{
    private readonly Db db = db;

    public const int MaxKept = 8;

    /// <summary>Leases out at once on the server engines: the setting, else two per processor.</summary>
    public int Concurrent { get; } = Limit(concurrent);

    private readonly ConcurrentBag<DbConnection> _idle = [];
    private readonly SemaphoreSlim? _turns = db.Dialect.KeepsConnections ? null : new SemaphoreSlim(Limit(concurrent));
    private bool _disposed;

    private static int Limit(int setting) => setting > 0 ? setting : 2 * Environment.ProcessorCount;

    public async ValueTask<Lease> LeaseAsync(CancellationToken ct)
    {
        if (db.Dialect.KeepsConnections && _idle.TryTake(out var kept)) return new Lease(this, kept);
        if (_turns is not null) await _turns.WaitAsync(ct);
        try
        {
            return new Lease(this, await db.OpenAsync(ct));
        }
        catch
        {
            _turns?.Release();
            throw;
        }
    }

    private async ValueTask ReturnAsync(DbConnection connection)
    {
        if (db.Dialect.KeepsConnections && !_disposed && connection.State == System.Data.ConnectionState.Open && _idle.Count < MaxKept)
        {
            _idle.Add(connection);
            return;
        }
        try
        {
            await connection.DisposeAsync();
        }
        finally
        {
            _turns?.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection)) await connection.DisposeAsync();
    }

    public readonly struct Lease(ReadConnections owner, DbConnection connection) : IAsyncDisposable
    {
        public DbConnection Connection { get; } = connection;

        /// <summary>Rows of a prepared query mapped as Dapper maps them (names, type handlers); values bound by name.</summary>
        public async Task<List<T>> QueryAsync<T>(string portable, CancellationToken ct, params (string Name, object? Value)[] parameters)
        {
            await using var reader = await owner.db.Prepared(Connection, null, portable, parameters).ExecuteReaderAsync(ct);
            return await RowsAsync<T>(reader, ct);
        }

        /// <summary>
        /// A prepared command of several statements run as one: on the server engines one round trip, on SQLite one command.
        /// Read its results in order with <see cref="Results.ReadAsync{T}"/>; dispose them before the lease.
        /// </summary>
        public async Task<Results> QueryMultipleAsync(string portable, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
            new(await owner.db.Prepared(Connection, null, portable, parameters).ExecuteReaderAsync(ct), ct);

        public ValueTask DisposeAsync() => owner.ReturnAsync(Connection);
    }

    /// <summary>
    /// The current result's rows, mapped as Dapper maps them. Read asynchronously: on a server engine the end of a result may
    /// still be on the wire, and a synchronous read there blocks a thread-pool thread (under load: starvation and a long tail).
    /// </summary>
    private static async Task<List<T>> RowsAsync<T>(DbDataReader reader, CancellationToken ct)
    {
        var parse = reader.GetRowParser<T>();
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(parse(reader));
        return rows;
    }

    /// <summary>The results of one command of several statements, read in order.</summary>
    public sealed class Results(DbDataReader reader, CancellationToken ct) : IAsyncDisposable
    {
        private bool _started;

        /// <summary>The next statement's rows, mapped as Dapper maps them.</summary>
        public async Task<List<T>> ReadAsync<T>()
        {
            if (_started && !await reader.NextResultAsync(ct)) throw new InvalidOperationException("The command has no more results.");
            _started = true;
            return reader.FieldCount == 0 ? [] : await RowsAsync<T>(reader, ct);
        }

        public ValueTask DisposeAsync() => reader.DisposeAsync();
    }
}
