using System.Data.Common;

namespace ContactHub.Data;

/// <summary>Raised inside a transaction when a concurrent writer got there first; the whole unit is retried.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);

public static class Transactions
{
    private const int MaxAttempts = 6;

    /// <summary>
    /// Runs a unit of work in one transaction, retrying it from the start when it loses a race
    /// (unique key, deadlock, serialization failure): the loser then sees the winner's committed rows.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this Db db, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default) =>
        db.InTransactionAsync(null, work, ct);

    /// <summary>The same on a connection the caller keeps open (null: a new one for this unit).</summary>
    internal static async Task<T> InTransactionAsync<T>(this Db db, DbConnection? connection, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        // An engine with one writer at a time (SQLite): writers of this process queue here, in order and without sleeping,
        // instead of polling SQLite's lock with busy-timeout sleeps (which costs throughput and p99 under load).
        var gate = db.Dialect.SerializesWriters && !db.HoldsWriteGate.Value ? db.WriteGate : null;
        if (gate is not null) await gate.WaitAsync(ct);
        db.HoldsWriteGate.Value = gate is not null || db.HoldsWriteGate.Value;
        try
        {
            return await RunAsync(db, connection, work, ct);
        }
        finally
        {
            if (gate is not null)
            {
                db.HoldsWriteGate.Value = false;
                gate.Release();
            }
        }
    }

    /// <summary>
    /// A small write unit that may share its transaction: it joins other callers' units in a group commit
    /// (<see cref="GroupCommit"/>), so that many concurrent writers pay one commit; where group commit is off
    /// (<c>Database:GroupCommitConnections</c> 0), inside a transaction already holding the write gate and inside another
    /// shared unit, it runs in its own transaction as <see cref="InTransactionAsync{T}"/>. <paramref name="key"/> names whose
    /// unit it is (an event's customer): units with the same key run one after another, never in two lanes at once.
    /// </summary>
    public static Task<T> InSharedTransactionAsync<T>(this Db db, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default, string? key = null) =>
        db.Group.Enabled && !db.HoldsWriteGate.Value && !db.Group.InUnit ? db.Group.RunAsync(work, ct, key) : db.InTransactionAsync(work, ct);

    /// <summary>
    /// As <see cref="InSharedTransactionAsync{T}"/>, for a unit that the units of its kind in the same group may run together
    /// (<paramref name="together"/>: a few round trips for all of them; null where the engine gains nothing from it).
    /// </summary>
    public static Task<TResult> InSharedTransactionAsync<TItem, TResult>(this Db db, TItem item, Func<DbConnection, DbTransaction, TItem, Task<TResult>> alone,
        GroupCommit.Together<TItem, TResult>? together, CancellationToken ct = default, string? key = null) where TResult : class =>
        together is not null && db.Group.Enabled && !db.HoldsWriteGate.Value && !db.Group.InUnit
            ? db.Group.RunAsync(item, alone, together, ct, key)
            : db.InSharedTransactionAsync((connection, transaction) => alone(connection, transaction, item), ct, key);

    private static async Task<T> RunAsync<T>(Db db, DbConnection? kept, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var own = kept is null ? await db.OpenAsync(ct) : null;
            var connection = kept ?? own!;
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                var result = await work(connection, transaction);
                await transaction.CommitAsync(ct);
                return result;
            }
            catch (Exception ex) when (attempt < MaxAttempts && IsRaceLost(db, ex))
            {
                await SafeRollback(transaction);
                await Task.Delay(Random.Shared.Next(2, 10 * attempt), ct);
            }
        }
    }

    /// <summary>True when the unit lost a race to another transaction and would succeed if run again.</summary>
    internal static bool IsRaceLost(Db db, Exception ex) => ex switch
    {
        ConcurrencyConflictException => true,
        DbException other => db.Dialect.IsRaceLost(other),
        _ => false,
    };

    private static async Task SafeRollback(DbTransaction transaction)
    {
        try { await transaction.RollbackAsync(); }
        catch (InvalidOperationException) { } // already rolled back by the server
        catch (DbException) { }
    }
}
