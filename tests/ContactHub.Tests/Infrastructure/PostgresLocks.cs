using Dapper;
using Npgsql;

namespace ContactHub.Tests.Infrastructure;

/// <summary>A table held locked in a transaction of its own, and the backends waiting for that lock.</summary>
public sealed class PostgresLocks : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly NpgsqlConnection _locker;
    private readonly NpgsqlTransaction _transaction;

    private PostgresLocks(string connectionString, NpgsqlConnection locker, NpgsqlTransaction transaction) =>
        (_connectionString, _locker, _transaction) = (connectionString, locker, transaction);

    public static async Task<PostgresLocks> LockAsync(string connectionString, string table)
    {
        var locker = new NpgsqlConnection(connectionString);
        await locker.OpenAsync();
        var transaction = await locker.BeginTransactionAsync();
        await locker.ExecuteAsync($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", transaction: transaction);
        return new PostgresLocks(connectionString, locker, transaction);
    }

    /// <summary>Backends blocked by this lock (not by another: a host's background work may wait on locks of its own).</summary>
    public async Task<int> WaitersAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        return await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND @locker = ANY(pg_blocking_pids(pid))",
            new { locker = _locker.ProcessID });
    }

    /// <summary>Waits (20 s at most) until the number of waiters meets the condition.</summary>
    public Task UntilAsync(Func<int, bool> condition, string what) => Eventually.Until(async () => condition(await WaitersAsync()), what, seconds: 20);

    public Task ReleaseAsync() => _transaction.CommitAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _locker.DisposeAsync();
    }
}
