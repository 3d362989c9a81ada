using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Hosting;
using ContactHub.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ContactHub.Tests.Data;

/// <summary>
/// Group commit, on SQLite's one writer and the server engines' lanes: many callers' units share transactions, yet each succeeds
/// or fails alone, a failed unit leaves nothing behind, and a retried event is still recorded once.
/// </summary>
public abstract class GroupCommitSuite(DatabaseProvider provider, bool? savepoints = null) : IAsyncLifetime
{
    private readonly TestEngine _engine = TestEngine.For(provider);
    private string? _connectionString;

    protected Db Db { get; private set; } = null!;

    /// <summary>How a group whose unit failed runs again (see <see cref="GroupCommit"/>); empty: as the engine allows.</summary>
    protected bool? Savepoints => savepoints;

    public async Task InitializeAsync()
    {
        if (_engine.SkipReason is not null) return;
        _connectionString = await _engine.CreateDatabaseAsync($"chgroup_{Guid.NewGuid():N}"[..24]);
        Db = new Db(provider, _connectionString, Path.GetTempPath(), groupSavepoints: savepoints);
        await new Migrator(Db, NullLogger<Migrator>.Instance).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_connectionString is null) return;
        await Db.DisposeAsync();
        await _engine.DropDatabaseAsync(_connectionString);
    }

    protected void SkipWithoutEngine() => Skip.If(_engine.SkipReason is not null, _engine.SkipReason);

    [SkippableFact]
    public async Task A_failing_unit_leaves_nothing_and_its_neighbours_in_the_same_transaction_commit()
    {
        SkipWithoutEngine();
        var units = Enumerable.Range(0, 300).Select(n => Db.InSharedTransactionAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync("INSERT INTO sync_state (name, value, updated_at) VALUES (@name, 'x', @at)", new { name = $"unit-{n}", at = DateTimeOffset.UtcNow }, tx);
            if (n % 7 == 0) throw new InvalidOperationException($"unit {n} refuses");
            // A statement the engine refuses inside a unit: on PostgreSQL it aborts the transaction, which the savepoint recovers.
            if (n % 11 == 0) await connection.ExecuteAsync("INSERT INTO sync_state (name, value, updated_at) VALUES (@name, 'again', @at)", new { name = $"unit-{n}", at = DateTimeOffset.UtcNow }, tx);
            return n;
        })).ToList();

        for (var n = 0; n < units.Count; n++)
        {
            if (n % 7 == 0) Assert.Equal($"unit {n} refuses", (await Assert.ThrowsAsync<InvalidOperationException>(() => units[n])).Message);
            else if (n % 11 == 0) await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => units[n]);
            else Assert.Equal(n, await units[n]);
        }
        await using var check = await Db.OpenAsync();
        var names = (await check.QueryAsync<string>("SELECT name FROM sync_state WHERE name LIKE 'unit-%'")).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 300).Where(n => n % 7 != 0 && n % 11 != 0).Select(n => $"unit-{n}").ToHashSet(), names);
    }

    [SkippableFact]
    public async Task Concurrent_events_share_transactions_and_a_retried_delivery_is_recorded_once()
    {
        SkipWithoutEngine();
        var options = Options.Create(new ConversationsOptions());
        var events = new ContactHub.Events.EventLog(Db, new ContactHub.Events.EventSignals(), TimeProvider.System);
        var recorder = new InteractionRecorder(Db, new ContactRecognizer(Db, new ContactNames(Db, NullLogger<ContactNames>.Instance), events, TimeProvider.System), events, new ContactAttributeStore(Db, events, TimeProvider.System), options,
            TimeProvider.System, NullLogger<InteractionRecorder>.Instance);
        NewInteraction Event(int n) => new("sms", "inbound", DateTimeOffset.UtcNow, null, null, [new Identifier(IdentifierKind.Phone, "", $"+3361200{n % 50:D4}")],
            null, n % 40 == 39 ? 999_999 : null, null, "received", null, $"hello {n}", "twilio", n % 40 == 39 ? $"missing-{n}" : $"SM{n % 250}", null);

        // 400 events, refs SM0..SM249: 150 of them delivered twice at the same moment; every 40th names a conversation that does not exist.
        // 50 new contacts: their first events race to create them (on PostgreSQL, lanes side by side).
        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(async n =>
        {
            try { return (n, Result: await recorder.RecordAsync(Event(n)), Error: (Exception?)null); }
            catch (Exception ex) { return (n, Result: (RecordResult?)null, Error: ex); }
        }));

        Assert.All(results.Where(r => r.n % 40 == 39), r => Assert.Equal(404, Assert.IsType<DomainException>(r.Error).Status));
        Assert.Empty(results.Where(r => r.n % 40 != 39 && r.Error is not null).Select(r => $"{r.n}: {r.Error}"));
        var recorded = results.Where(r => r.Result is not null).ToList();
        Assert.Equal(400 - 10, recorded.Count);
        foreach (var byRef in recorded.GroupBy(r => r.n % 250))
            Assert.Single(byRef.Select(r => r.Result!.InteractionId).Distinct()); // the same interaction, however often delivered
        await using var check = await Db.OpenAsync();
        var stored = await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions");
        Assert.Equal(recorded.Select(r => r.n % 250).Distinct().Count(), stored);
        Assert.Equal(50, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts"));
        // Each contact's events are one conversation (all within the inactivity timeout), whatever transaction they shared.
        Assert.Equal(50, await check.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT conversation_id) FROM interactions"));
        Assert.Equal(50, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM conversations"));
        Assert.Equal(stored, await check.ExecuteScalarAsync<long>("SELECT SUM(interaction_count) FROM conversations"));
    }
}

public sealed class SqliteGroupCommitTests() : GroupCommitSuite(DatabaseProvider.Sqlite)
{
    [Fact]
    public async Task The_pages_a_units_savepoint_may_restore_are_kept_in_memory_not_in_a_temporary_file()
    {
        // temp_store 2 (MEMORY): the savepoints' sub-journal stays in memory; at the default it spilled to /var/tmp past 64 KiB,
        // ~1,000 writes a commit under ingest.
        var store = await Db.InSharedTransactionAsync((connection, tx) => connection.ExecuteScalarAsync<long>("PRAGMA temp_store", transaction: tx));

        Assert.Equal(2, store);
    }
}

/// <summary>
/// The server engines' lanes: units share transactions across a few connections; a unit that loses a race to another lane runs
/// again and sees the winner's rows — after a savepoint's rollback on PostgreSQL, alone after its group's on SQL Server (where a
/// deadlock's victim loses its whole transaction). PostgreSQL runs both ways, so the path SQL Server takes is tried here too.
/// </summary>
public abstract class ServerGroupCommitSuite(DatabaseProvider provider, bool? savepoints = null) : GroupCommitSuite(provider, savepoints)
{
    private string TransactionIdSql => Db.Provider == DatabaseProvider.SqlServer ? "SELECT CURRENT_TRANSACTION_ID()" : "SELECT txid_current()";

    private string BackendIdSql => Db.Provider == DatabaseProvider.SqlServer ? "SELECT @@SPID" : "SELECT pg_backend_pid()";

    private string Now => Db.Dialect.Now;

    [SkippableFact]
    public async Task Concurrent_units_share_transactions_across_a_few_lanes()
    {
        SkipWithoutEngine();
        var units = await Task.WhenAll(Enumerable.Range(0, 200).Select(n => Db.InSharedTransactionAsync(async (c, tx) =>
        {
            await c.ExecuteAsync($"INSERT INTO sync_state (name, value, updated_at) VALUES (@name, 'x', {Now})", new { name = $"lane-{n}" }, tx);
            return (Transaction: await c.ExecuteScalarAsync<long>(TransactionIdSql, transaction: tx), Backend: await c.ExecuteScalarAsync<int>(BackendIdSql, transaction: tx));
        })));

        await using var connection = await Db.OpenAsync();
        Assert.Equal(200, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sync_state WHERE name LIKE 'lane-%'"));
        Assert.InRange(units.Select(u => u.Transaction).Distinct().Count(), 200 / GroupCommit.MaxServerGroup, 50); // a transaction each: 200
        Assert.InRange(units.Select(u => u.Backend).Distinct().Count(), 1, Db.Dialect.GroupCommitConnections);
    }

    [SkippableFact]
    public async Task Units_of_one_customer_never_run_in_two_lanes_at_once()
    {
        SkipWithoutEngine();
        // Without a key, a customer's events spread over the lanes: two lanes locked one contact at once, and two groups each
        // holding one contact and wanting the other's deadlocked (PostgreSQL rolled a whole group back after a second).
        var running = new int[8];
        var overlaps = 0;
        await Task.WhenAll(Enumerable.Range(0, 160).Select(n => Db.InSharedTransactionAsync(async (c, tx) =>
        {
            var customer = n / 2 % running.Length; // two in a row: taking turns, the lanes would part them
            if (Interlocked.Increment(ref running[customer]) > 1) Interlocked.Increment(ref overlaps);
            await c.ExecuteAsync($"INSERT INTO sync_state (name, value, updated_at) VALUES (@name, 'x', {Now})", new { name = $"key-{n}" }, tx);
            await Task.Delay(2);
            Interlocked.Decrement(ref running[customer]);
            return n;
        }, key: $"+3361200{n / 2 % running.Length:D4}")));

        Assert.Equal(0, overlaps);
        await using var check = await Db.OpenAsync();
        Assert.Equal(160, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sync_state WHERE name LIKE 'key-%'"));
    }

    [SkippableFact]
    public async Task A_unit_that_loses_a_race_to_another_lane_runs_again_after_and_sees_the_winner()
    {
        SkipWithoutEngine();
        // Two units claim the same key from two lanes: the second waits on the first's row until its group commits, then its
        // insert fails; rolled back (to its savepoint, or with its group), it runs again alone and finds the row instead.
        var claimed = new TaskCompletionSource();
        var read = new TaskCompletionSource();
        var first = Db.InSharedTransactionAsync(async (c, tx) =>
        {
            await c.ExecuteAsync($"INSERT INTO sync_state (name, value, updated_at) VALUES ('race', 'first', {Now})", transaction: tx);
            claimed.TrySetResult();
            // Holds its group open while the other lane tries: on PostgreSQL until the other has read (a fixed 300 ms was not
            // always enough on a busy machine), then a moment for its insert to wait on this row; SQL Server's read itself waits.
            if (Db.Provider == DatabaseProvider.SqlServer) await Task.Delay(300);
            else
            {
                await read.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await Task.Delay(100);
            }
            return "inserted";
        });
        await claimed.Task;
        var attempts = 0;
        var second = Db.InSharedTransactionAsync(async (c, tx) =>
        {
            Interlocked.Increment(ref attempts);
            var existing = await c.ExecuteScalarAsync<string?>("SELECT value FROM sync_state WHERE name = 'race'", transaction: tx);
            read.TrySetResult();
            if (existing is not null) return "found " + existing;
            await c.ExecuteAsync($"INSERT INTO sync_state (name, value, updated_at) VALUES ('race', 'second', {Now})", transaction: tx);
            return "inserted";
        });

        Assert.Equal("inserted", await first);
        Assert.Equal("found first", await second);
        // PostgreSQL's read does not wait for the first's uncommitted row, so the second inserts, fails and runs again; SQL Server's
        // (read committed, no row versions) waits for the first's commit and finds the row the first time.
        Assert.Equal(Db.Provider == DatabaseProvider.SqlServer ? 1 : 2, attempts);
    }

    [SkippableFact]
    public async Task Two_lanes_that_deadlock_both_commit_the_loser_after_the_winner()
    {
        SkipWithoutEngine();
        await using (var setup = await Db.OpenAsync())
            await setup.ExecuteAsync($"INSERT INTO sync_state (name, value, updated_at) VALUES ('x', '', {Now}), ('y', '', {Now})");
        // Each unit takes one row, waits until the other has taken its own, then wants the other's: the engine finds the cycle and
        // fails one statement (SQL Server its whole transaction); that unit's group is rolled back (its lock released), the other
        // commits, and the loser runs again.
        var xTaken = new TaskCompletionSource();
        var yTaken = new TaskCompletionSource();
        Task<string> Unit(string mine, string theirs, TaskCompletionSource took, TaskCompletionSource other) => Db.InSharedTransactionAsync(async (c, tx) =>
        {
            await c.ExecuteAsync("UPDATE sync_state SET value = CONCAT(value, @mine) WHERE name = @mine", new { mine }, tx);
            took.TrySetResult();
            await other.Task;
            await c.ExecuteAsync("UPDATE sync_state SET value = CONCAT(value, @mine) WHERE name = @theirs", new { mine, theirs }, tx);
            return mine;
        });

        var first = Unit("x", "y", xTaken, yTaken);
        await xTaken.Task; // its lane is busy: the second unit goes to another
        var second = Unit("y", "x", yTaken, xTaken);

        Assert.Equal(["x", "y"], await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30)));
        await using var check = await Db.OpenAsync();
        var values = (await check.QueryAsync<(string Name, string Value)>("SELECT name, value FROM sync_state WHERE name IN ('x', 'y')")).ToDictionary(r => r.Name, r => r.Value);
        // Each row holds both units' marks once: nothing of the rolled-back run was kept.
        Assert.Equal("xy", string.Concat(values["x"].Order()));
        Assert.Equal("xy", string.Concat(values["y"].Order()));
    }

    [SkippableFact]
    public async Task Zero_connections_turn_group_commit_off()
    {
        SkipWithoutEngine();
        await using var own = new Db(Db.Provider, Db.ConnectionString, Path.GetTempPath(), groupCommitConnections: 0);

        var pids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => own.InSharedTransactionAsync((c, tx) => c.ExecuteScalarAsync<long>(TransactionIdSql, transaction: tx))));

        Assert.False(own.Group.Enabled);
        Assert.Equal(8, pids.Distinct().Count()); // a transaction each
    }

    [SkippableFact]
    public async Task One_connection_records_one_group_after_another()
    {
        SkipWithoutEngine();
        // One lane: its loop reads the queue's length after each group (a single-reader channel cannot tell it: the loop died after
        // its first group, and every later unit waited forever).
        await using var one = new Db(Db.Provider, Db.ConnectionString, Path.GetTempPath(), groupCommitConnections: 1, groupSavepoints: Savepoints);

        for (var round = 0; round < 3; round++)
        {
            var written = await Task.WhenAll(Enumerable.Range(0, 20).Select(n => one.InSharedTransactionAsync(async (c, tx) =>
                await c.ExecuteAsync($"INSERT INTO sync_state (name, value, updated_at) VALUES (@name, 'x', {Now})", new { name = $"one-{round}-{n}" }, tx))))
                .WaitAsync(TimeSpan.FromSeconds(30));
            Assert.All(written, w => Assert.Equal(1, w));
        }
        Assert.True(one.Group.KeepsOrder);
    }
}

public sealed class PostgresGroupCommitTests() : ServerGroupCommitSuite(DatabaseProvider.Postgres);

/// <summary>PostgreSQL taking SQL Server's path: after a failure the group's units run each alone, never in savepoints.</summary>
public sealed class PostgresGroupCommitWithoutSavepointsTests() : ServerGroupCommitSuite(DatabaseProvider.Postgres, savepoints: false);

public sealed class SqlServerGroupCommitTests() : ServerGroupCommitSuite(DatabaseProvider.SqlServer);
