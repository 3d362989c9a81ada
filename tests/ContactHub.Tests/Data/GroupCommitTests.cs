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
/// SQLite's group commit: many callers' units share one transaction, yet each succeeds or fails alone,
/// a failed unit leaves nothing behind, and a retried event in the same group is still recorded once.
/// </summary>
public sealed class GroupCommitTests() : MigratedSqlite("group")
{
    [Fact]
    public async Task A_failing_unit_leaves_nothing_and_its_neighbours_in_the_same_transaction_commit()
    {
        var units = Enumerable.Range(0, 300).Select(n => Db.InSharedTransactionAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync("INSERT INTO sync_state (name, value, updated_at) VALUES (@name, 'x', '2026-11-24')", new { name = $"unit-{n}" }, tx);
            if (n % 7 == 0) throw new InvalidOperationException($"unit {n} refuses");
            return n;
        })).ToList();

        for (var n = 0; n < units.Count; n++)
        {
            if (n % 7 == 0) Assert.Equal($"unit {n} refuses", (await Assert.ThrowsAsync<InvalidOperationException>(() => units[n])).Message);
            else Assert.Equal(n, await units[n]);
        }
        await using var check = await Db.OpenAsync();
        var names = (await check.QueryAsync<string>("SELECT name FROM sync_state WHERE name LIKE 'unit-%'")).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 300).Where(n => n % 7 != 0).Select(n => $"unit-{n}").ToHashSet(), names);
    }

    [Fact]
    public async Task The_pages_a_units_savepoint_may_restore_are_kept_in_memory_not_in_a_temporary_file()
    {
        // temp_store 2 (MEMORY): the savepoints' sub-journal stays in memory; at the default it spilled to /var/tmp past 64 KiB,
        // ~1,000 writes a commit under ingest.
        var store = await Db.InSharedTransactionAsync((connection, tx) => connection.ExecuteScalarAsync<long>("PRAGMA temp_store", transaction: tx));

        Assert.Equal(2, store);
    }

    [Fact]
    public async Task Concurrent_events_share_transactions_and_a_retried_delivery_is_recorded_once()
    {
        var options = Options.Create(new ConversationsOptions());
        var events = new ContactHub.Events.EventLog(Db, new ContactHub.Events.EventSignals(), TimeProvider.System);
        var recorder = new InteractionRecorder(Db, new ContactRecognizer(Db, new ContactNames(Db, NullLogger<ContactNames>.Instance), events, TimeProvider.System), events, new ContactAttributeStore(Db, events, TimeProvider.System), options,
            TimeProvider.System, NullLogger<InteractionRecorder>.Instance);
        NewInteraction Event(int n) => new("sms", "inbound", DateTimeOffset.UtcNow, null, null, [new Identifier(IdentifierKind.Phone, "", $"+3361200{n % 50:D4}")],
            null, n % 40 == 39 ? 999_999 : null, null, "received", null, $"hello {n}", "twilio", n % 40 == 39 ? $"missing-{n}" : $"SM{n % 250}", null);

        // 400 events, refs SM0..SM249: 150 of them delivered twice at the same moment; every 40th names a conversation that does not exist.
        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(async n =>
        {
            try { return (n, Result: await recorder.RecordAsync(Event(n)), Error: (Exception?)null); }
            catch (Exception ex) { return (n, Result: (RecordResult?)null, Error: ex); }
        }));

        Assert.All(results.Where(r => r.n % 40 == 39), r => Assert.Equal(404, Assert.IsType<DomainException>(r.Error).Status));
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
        Assert.Equal(stored, await check.ExecuteScalarAsync<long>("SELECT SUM(interaction_count) FROM conversations"));
    }
}
