using System.Data.Common;
using System.Threading.Channels;

namespace ContactHub.Data;

/// <summary>
/// Group commit for SQLite's single writer: small write units from many callers run one after another in one
/// shared transaction, each inside its own savepoint, and one commit makes them all durable. A unit that throws is
/// rolled back to its savepoint and only its caller sees the error; every caller's task completes after the commit.
/// One writer loop per database, started on first use, on a connection it keeps open so that the statements it runs
/// stay prepared (<see cref="PreparedStatements"/>); it takes the process's write gate for each group, so other
/// transactions interleave between groups.
/// </summary>
public sealed class GroupCommit(Db db) : IAsyncDisposable
{
    /// <summary>Units per transaction at most: enough to amortise the commit, small enough to keep the lock short.</summary>
    public const int MaxGroup = 128;

    private readonly Channel<Unit> _queue = Channel.CreateUnbounded<Unit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _start = new();
    private Task? _writer;

    public Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        var unit = new Unit<T>(work, ct);
        EnsureWriter();
        if (!_queue.Writer.TryWrite(unit)) throw new InvalidOperationException("The group-commit writer has stopped.");
        return unit.Task;
    }

    private void EnsureWriter()
    {
        if (_writer is not null) return;
        lock (_start)
            _writer ??= OwnThread.Start(WriteLoop);
    }

    /// <summary>
    /// The writer has a thread of its own and waits on it: SQLite's calls complete synchronously, so nothing here would
    /// free a thread by awaiting, and the loop never holds (or waits for) a thread-pool thread that requests need.
    /// </summary>
    private void WriteLoop()
    {
        var group = new List<Unit>(MaxGroup);
        DbConnection? connection = null;
        try
        {
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                group.Clear();
                while (group.Count < MaxGroup && _queue.Reader.TryRead(out var unit))
                    if (!unit.Cancelled()) group.Add(unit);
                if (group.Count == 0) continue;
                try
                {
                    connection ??= db.OpenWriterAsync().GetAwaiter().GetResult();
                    db.InTransactionAsync(connection, async (c, transaction) =>
                    {
                        foreach (var unit in group) await unit.RunInSavepointAsync(c, transaction);
                        return 0;
                    }, CancellationToken.None).GetAwaiter().GetResult();
                    foreach (var unit in group) unit.Complete();
                }
                catch (Exception ex)
                {
                    // The transaction itself failed (open, commit, disk, lock): none of the group is recorded, each caller hears
                    // why, and the next group starts on a new connection.
                    foreach (var unit in group) unit.Fail(ex);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Lets the queued units finish, then closes the writer's connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is not null) await _writer;
    }

    private abstract class Unit
    {
        private static int _savepoints;

        public abstract bool Cancelled();

        public abstract void Complete();

        public abstract void Fail(Exception exception);

        protected abstract Task RunAsync(DbConnection connection, DbTransaction transaction);

        /// <summary>Runs the unit; on error rolls back only what it wrote and keeps the error for its caller.</summary>
        public async Task RunInSavepointAsync(DbConnection connection, DbTransaction transaction)
        {
            Failed = null;
            var name = "u" + Interlocked.Increment(ref _savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await transaction.SaveAsync(name);
            try
            {
                await RunAsync(connection, transaction);
                await transaction.ReleaseAsync(name);
            }
            catch (Exception ex) when (ex is not DbException || !IsFatal(connection))
            {
                await transaction.RollbackAsync(name);
                await transaction.ReleaseAsync(name);
                Failed = ex;
            }
        }

        /// <summary>Set when the unit failed inside the transaction; the others still commit.</summary>
        protected Exception? Failed { get; private set; }

        private static bool IsFatal(DbConnection connection) => connection.State != System.Data.ConnectionState.Open;
    }

    private sealed class Unit<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) : Unit
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;

        public override bool Cancelled() => ct.IsCancellationRequested && _done.TrySetCanceled(ct);

        protected override async Task RunAsync(DbConnection connection, DbTransaction transaction) => _result = await work(connection, transaction);

        public override void Complete()
        {
            if (Failed is not null) _done.TrySetException(Failed);
            else _done.TrySetResult(_result!);
        }

        public override void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
