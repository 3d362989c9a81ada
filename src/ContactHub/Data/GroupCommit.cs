using System.Data.Common;
using System.Threading.Channels;

namespace ContactHub.Data;

/// <summary>
/// Group commit: small write units from many callers run one after another in one shared transaction, each inside its
/// own savepoint, and one commit makes them all durable. A unit that throws is rolled back to its savepoint and only its
/// caller sees the error; every caller's task completes after the commit.
/// SQLite has one writer: one loop, on a thread of its own and a connection it keeps open so that the statements it runs
/// stay prepared (<see cref="PreparedStatements"/>), taking the process's write gate for each group so that other
/// transactions interleave between groups. The server engines run several loops ("lanes", <c>Database:GroupCommitConnections</c>),
/// each with a pooled connection while there is work: a commit per group instead of per event is most of what an event
/// costs the server. Lanes write at the same time, so a unit may lose a race to another lane's transaction (a key both
/// wrote, a deadlock between two groups' locks): it is rolled back to its savepoint and runs again alone once its own
/// group has committed and released its locks, as <see cref="Transactions.InTransactionAsync{T}"/> runs a unit. There a group
/// first runs without savepoints (see <see cref="TryWithoutSavepointsAsync"/>); when one of its units fails, PostgreSQL runs it
/// again with a savepoint a unit, SQL Server — where a deadlock's victim loses its whole transaction, savepoints and all —
/// runs each unit alone (<see cref="SqlDialect.LostRaceEndsTransaction"/>). A unit's work may so run more than once, as any
/// unit of work retried after a lost race may; only one run's writes are ever kept. Units of one kind may also share round
/// trips (<see cref="Together{TItem, TResult}"/>: PostgreSQL's ingested events): in that first run without savepoints, the
/// group's units of a kind run together, and those their work leaves run alone after, each in its place.
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>Units per transaction at most on SQLite: enough to amortise the commit, small enough to keep the lock short.</summary>
    public const int MaxGroup = 128;

    /// <summary>
    /// On the server engines: each unit that writes is a subtransaction, and past 64 in one transaction PostgreSQL's per-backend
    /// cache of them overflows, which slows every other session's snapshots.
    /// </summary>
    public const int MaxServerGroup = 32;

    private readonly Db _db;
    private readonly int _lanes;
    private readonly int _maxGroup;
    private readonly bool _savepoints;
    private readonly Channel<Unit> _queue;
    private readonly LaneKeys<Unit>? _keys;
    private readonly AsyncLocal<bool> _inUnit = new();
    private readonly Lock _start = new();
    private Task[]? _writers;

    /// <param name="lanes">Loops writing at once: 1 on SQLite; 0 turns group commit off (each unit in its own transaction).</param>
    /// <param name="savepoints">
    /// Whether a group whose unit failed runs again with a savepoint a unit (SQLite, PostgreSQL) or each unit alone (where a lost
    /// race ends the transaction: SQL Server). Empty: as the engine allows; the tests run PostgreSQL both ways.
    /// </param>
    public GroupCommit(Db db, int lanes, bool? savepoints = null)
    {
        _db = db;
        _lanes = lanes;
        _savepoints = savepoints ?? !db.Dialect.LostRaceEndsTransaction;
        _maxGroup = db.Dialect.SerializesWriters ? MaxGroup : MaxServerGroup;
        // One reader on SQLite; the lanes read the queue's length, which a single-reader channel does not keep.
        _queue = Channel.CreateUnbounded<Unit>(new UnboundedChannelOptions { SingleReader = db.Dialect.SerializesWriters });
        _keys = lanes > 1 && !db.Dialect.SerializesWriters ? new LaneKeys<Unit>(lanes) : null;
    }

    /// <summary>True where concurrent units share transactions.</summary>
    public bool Enabled => _lanes > 0;

    /// <summary>One loop: units run in the order they were queued.</summary>
    public bool KeepsOrder => _lanes == 1;

    /// <summary>True inside a unit: a shared unit it starts runs in a transaction of its own rather than waiting for a group behind its own.</summary>
    public bool InUnit => _inUnit.Value;

    /// <param name="key">
    /// Whose unit it is (an event's customer): while a lane holds units with this key, the others hand theirs to it (see
    /// <see cref="LaneKeys{TUnit}"/>), so that two lanes never wait on each other's locks of one contact, nor deadlock over two.
    /// </param>
    public Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct, string? key = null)
    {
        var unit = new Unit<T>(work, ct, key);
        EnsureWriters();
        if (!_queue.Writer.TryWrite(unit)) throw new InvalidOperationException("The group-commit writer has stopped.");
        return unit.Task;
    }

    /// <summary>
    /// Work that the units of one group may do together (<see cref="RunAsync{TItem, TResult}"/>): given their items in the order
    /// they were queued, it does in a few round trips what it can for all of them and returns each one's result, or null for an
    /// item it leaves to run alone after, in its place among the group's other units.
    /// </summary>
    public delegate Task<TResult?[]> Together<TItem, TResult>(DbConnection connection, DbTransaction transaction, IReadOnlyList<TItem> items)
        where TResult : class;

    /// <summary>
    /// A unit that units of the same kind queued with it may run together (<paramref name="together"/>, on the server engines, when
    /// the group first runs without savepoints); otherwise, and whenever its group runs again, <paramref name="alone"/> runs it.
    /// </summary>
    public Task<TResult> RunAsync<TItem, TResult>(TItem item, Func<DbConnection, DbTransaction, TItem, Task<TResult>> alone,
        Together<TItem, TResult> together, CancellationToken ct, string? key = null) where TResult : class
    {
        var unit = new TogetherUnit<TItem, TResult>(item, alone, together, ct, key);
        EnsureWriters();
        if (!_queue.Writer.TryWrite(unit)) throw new InvalidOperationException("The group-commit writer has stopped.");
        return unit.Task;
    }

    private void EnsureWriters()
    {
        if (_writers is not null) return;
        lock (_start)
            _writers ??= _db.Dialect.SerializesWriters
                ? [OwnThread.Start(WriteLoop)]
                : Enumerable.Range(0, _lanes).Select(lane => Task.Run(() => WriteLoopAsync(lane))).ToArray();
    }

    /// <summary>
    /// SQLite's writer has a thread of its own and waits on it: SQLite's calls complete synchronously, so nothing here would
    /// free a thread by awaiting, and the loop never holds (or waits for) a thread-pool thread that requests need.
    /// </summary>
    private void WriteLoop()
    {
        _inUnit.Value = true;
        var group = new List<Unit>(_maxGroup);
        DbConnection? connection = null;
        try
        {
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                connection = RunGroupAsync(Take(0, group), connection).GetAwaiter().GetResult();
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>A lane of a server engine: its awaits are the network's, so it waits without holding a thread.</summary>
    private async Task WriteLoopAsync(int lane)
    {
        _inUnit.Value = true;
        var group = new List<Unit>(_maxGroup);
        DbConnection? connection = null;
        try
        {
            var handed = false;
            while (handed || await _queue.Reader.WaitToReadAsync())
            {
                connection = await RunGroupAsync(Take(lane, group), connection);
                handed = _keys?.Release(lane, group.Select(unit => unit.Key).OfType<string>()) ?? false;
                // A lane keeps its pooled connection while units wait, and gives it back when there are none.
                if (connection is not null && !handed && _queue.Reader.Count == 0)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    /// <summary>The lane's next group: the units handed to it first, then the queue's, less those another lane holds the key of.</summary>
    private List<Unit> Take(int lane, List<Unit> group)
    {
        group.Clear();
        _keys?.TakeHanded(lane, group, _maxGroup, unit => unit.Cancelled());
        while (group.Count < _maxGroup && _queue.Reader.TryRead(out var unit))
            if (!unit.Cancelled() && (unit.Key is null || _keys is null || _keys.Claim(lane, unit.Key, unit))) group.Add(unit);
        return group;
    }

    /// <summary>Runs a group in one transaction; returns the connection to keep for the next one (null after a failure).</summary>
    private async Task<DbConnection?> RunGroupAsync(List<Unit> group, DbConnection? connection)
    {
        if (group.Count == 0) return connection;
        try
        {
            connection ??= await _db.OpenWriterAsync();
            if (!_db.Dialect.SerializesWriters && await TryWithoutSavepointsAsync(group, connection)) return Completed(group, connection);
            if (!_savepoints)
            {
                // SQL Server: a deadlock's victim loses its transaction, savepoints and all, so a unit in a savepoint could undo
                // its neighbours'. After a failure every unit of the group runs in a transaction of its own, in order.
                foreach (var unit in group) await unit.RunAloneAsync(_db, connection);
                return Completed(group, connection);
            }
            await _db.InTransactionAsync(connection, async (c, transaction) =>
            {
                foreach (var unit in group) await unit.RunInSavepointAsync(_db, c, transaction);
                return 0;
            }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The transaction itself failed (open, commit, disk, lock): none of the group is recorded, each caller hears
            // why, and the next group starts on a new connection.
            var cause = ex is UnitFailedException failed ? failed.InnerException! : ex; // a unit's statement that met the outage
            foreach (var unit in group) unit.Fail(cause);
            if (connection is not null) await connection.DisposeAsync();
            return null;
        }
        // The group is committed; a unit that lost a race waited for the other transaction to end, and now sees what it wrote.
        foreach (var unit in group)
            if (unit.LostRace) await unit.RunAloneAsync(_db, connection);
        return Completed(group, connection);
    }

    /// <summary>
    /// On a server engine a savepoint is two round trips a unit, which cost the service about what the shared commit saves the
    /// server: the group first runs without them. When a unit fails, the whole transaction is rolled back (false) and the group
    /// runs again with a savepoint each. A unit may so run twice, never with both runs' writes kept.
    /// </summary>
    private async Task<bool> TryWithoutSavepointsAsync(List<Unit> group, DbConnection connection)
    {
        try
        {
            await _db.InTransactionAsync(connection, async (c, transaction) =>
            {
                foreach (var unit in group) unit.Reset();
                foreach (var kind in group.OfType<IGathered>().GroupBy(unit => unit.Together).Where(kind => kind.Skip(1).Any()))
                    await kind.First().RunTogetherAsync(c, transaction, kind.ToList());
                foreach (var unit in group)
                    if (!unit.Done) await unit.RunOrThrowAsync(c, transaction);
                return 0;
            }, CancellationToken.None);
            return true;
        }
        catch (UnitFailedException) when (connection.State == System.Data.ConnectionState.Open)
        {
            return false;
        }
    }

    private static DbConnection? Completed(List<Unit> group, DbConnection connection)
    {
        foreach (var unit in group) unit.Complete();
        if (connection.State == System.Data.ConnectionState.Open) return connection;
        connection.Dispose();
        return null;
    }

    /// <summary>A unit failed in a group run without savepoints; the transaction is rolled back.</summary>
    private sealed class UnitFailedException(Exception inner) : Exception("A unit of the group failed.", inner);

    /// <summary>Lets the queued units finish, then closes the writers' connections.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writers is not null) await Task.WhenAll(_writers);
    }

    private abstract class Unit(string? key)
    {
        /// <summary>Whose unit it is (see <see cref="RunAsync{T}"/>).</summary>
        public string? Key => key;

        public abstract bool Cancelled();

        public abstract void Complete();

        public abstract void Fail(Exception exception);

        protected abstract Task RunAsync(DbConnection connection, DbTransaction transaction);

        /// <summary>Set when the unit failed inside the transaction; the others still commit.</summary>
        protected Exception? Failed { get; private set; }

        /// <summary>Set when the unit lost a race to another transaction: it runs again alone after the group's commit.</summary>
        public bool LostRace { get; private set; }

        /// <summary>Set when the unit's work was done together with others of its kind (<see cref="IGathered"/>).</summary>
        public bool Done { get; protected set; }

        /// <summary>Before a run of the group's transaction: nothing of the unit is done yet.</summary>
        public void Reset() => Done = false;

        /// <summary>Runs the unit straight in the group's transaction; its failure is the group's (see <see cref="TryWithoutSavepointsAsync"/>).</summary>
        public async Task RunOrThrowAsync(DbConnection connection, DbTransaction transaction)
        {
            Failed = null;
            LostRace = false;
            try
            {
                await RunAsync(connection, transaction);
            }
            catch (Exception ex)
            {
                throw new UnitFailedException(ex);
            }
        }

        private const string Savepoint = "unit"; // released before the next unit takes it: one text, one prepared statement

        /// <summary>Runs the unit; on error rolls back only what it wrote and keeps the error for its caller.</summary>
        public async Task RunInSavepointAsync(Db db, DbConnection connection, DbTransaction transaction)
        {
            Failed = null;
            LostRace = false;
            await SavepointAsync(db, connection, transaction, release: false);
            try
            {
                await RunAsync(connection, transaction);
                await SavepointAsync(db, connection, transaction, release: true);
            }
            catch (Exception ex) when (ex is not DbException || !IsFatal(connection))
            {
                await transaction.RollbackAsync(Savepoint);
                await transaction.ReleaseAsync(Savepoint);
                if (Transactions.IsRaceLost(db, ex)) LostRace = true;
                else Failed = ex;
            }
        }

        /// <summary>
        /// On SQLite a statement kept on the connection, compiled once (<see cref="PreparedStatements"/>): its transaction's
        /// Save and Release compile their text at each call, twice for every unit the writer runs.
        /// </summary>
        private static Task SavepointAsync(Db db, DbConnection connection, DbTransaction transaction, bool release) =>
            db.Provider != DatabaseProvider.Sqlite ? (release ? transaction.ReleaseAsync(Savepoint) : transaction.SaveAsync(Savepoint))
            : db.Prepared(connection, transaction, release ? "RELEASE " + Savepoint : "SAVEPOINT " + Savepoint).ExecuteNonQueryAsync();

        /// <summary>The unit in a transaction of its own, retried as any unit of work is when it loses a race again.</summary>
        public async Task RunAloneAsync(Db db, DbConnection connection)
        {
            LostRace = false;
            try
            {
                await db.InTransactionAsync(connection, async (c, transaction) =>
                {
                    await RunAsync(c, transaction);
                    return 0;
                }, CancellationToken.None);
            }
            catch (Exception ex)
            {
                Failed = ex;
            }
        }

        private static bool IsFatal(DbConnection connection) => connection.State != System.Data.ConnectionState.Open;
    }

    /// <summary>Units that may run together with others of their kind (<see cref="Together"/>: the same work).</summary>
    private interface IGathered
    {
        Delegate Together { get; }

        /// <summary>Runs <paramref name="units"/> (this one's kind, in the group's order) together; those left undone run alone after.</summary>
        Task RunTogetherAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<IGathered> units);
    }

    private sealed class TogetherUnit<TItem, TResult>(TItem item, Func<DbConnection, DbTransaction, TItem, Task<TResult>> alone,
        Together<TItem, TResult> together, CancellationToken ct, string? key)
        : Unit<TResult>((connection, transaction) => alone(connection, transaction, item), ct, key), IGathered where TResult : class
    {
        public Delegate Together => together;

        public async Task RunTogetherAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<IGathered> units)
        {
            var mine = units.Cast<TogetherUnit<TItem, TResult>>().ToList();
            TResult?[] results;
            try
            {
                results = await together(connection, transaction, mine.ConvertAll(unit => unit.Item));
            }
            catch (Exception ex)
            {
                throw new UnitFailedException(ex);
            }
            for (var n = 0; n < mine.Count; n++)
                if (results[n] is { } result) mine[n].Finish(result);
        }

        private TItem Item => item;

        private void Finish(TResult result)
        {
            Result = result;
            Done = true;
        }
    }

    private class Unit<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct, string? key) : Unit(key)
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected T? Result { get; set; }

        public Task<T> Task => _done.Task;

        public override bool Cancelled() => ct.IsCancellationRequested && _done.TrySetCanceled(ct);

        protected override async Task RunAsync(DbConnection connection, DbTransaction transaction) => Result = await work(connection, transaction);

        public override void Complete()
        {
            if (Failed is not null) _done.TrySetException(Failed);
            else _done.TrySetResult(Result!);
        }

        public override void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
