using ContactHub.Security;
using ContactHub.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ContactHub.Tests.Security;

/// <summary>
/// The audit trail's writer lets entries gather for a quarter of a second and writes them in one transaction (on SQLite each
/// commit empties every reader's page cache). Whoever reads the trail asks for it to be written first and does not wait the
/// quarter out; without asking, the entries are written once it has passed.
/// </summary>
public sealed class AuditGatheringTests() : MigratedSqlite("auditgather")
{
    [Fact]
    public async Task A_flush_writes_what_is_gathering_without_waiting_for_the_quarter_to_pass()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T10:00:00Z")); // never advanced: only a flush can end the gathering
        using var audit = new AuditLog(Db, clock, NullLogger<AuditLog>.Instance);
        await audit.StartAsync(default);
        for (var i = 1; i <= 3; i++) audit.Write("agent-1", "contact.lookup", "contact", i.ToString(), i, "127.0.0.1", "phone");

        var rows = await audit.QueryAsync(null, "agent-1", null, null, null, 10, default); // flushes first

        Assert.Equal([3L, 2L, 1L], rows.Select(r => r.ContactId)); // newest first
        await audit.StopAsync(default);
    }

    [Fact]
    public async Task Entries_are_written_once_the_quarter_has_passed_without_anyone_asking()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T10:00:00Z"));
        using var audit = new AuditLog(Db, clock, NullLogger<AuditLog>.Instance);
        await audit.StartAsync(default);
        audit.Write("agent-2", "contact.lookup", "contact", "7", 7, "127.0.0.1", "phone");

        await using var connection = await Db.OpenAsync(default);
        async Task<long> Stored() => await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE actor = 'agent-2'");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await Stored() == 0 && DateTime.UtcNow < deadline)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(20);
        }

        Assert.Equal(1, await Stored());
        await audit.StopAsync(default);
    }

    [Fact]
    public async Task Stopping_writes_what_is_still_gathering()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T10:00:00Z"));
        var audit = new AuditLog(Db, clock, NullLogger<AuditLog>.Instance);
        await audit.StartAsync(default);
        audit.Write("agent-3", "contact.read", "contact", "9", 9, null, null);
        await audit.FlushAsync(); // the writer is running, and gathering again
        audit.Write("agent-3", "contact.export", "contact", "9", 9, null, null);

        await audit.StopAsync(default);
        audit.Dispose();

        await using var connection = await Db.OpenAsync(default);
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE actor = 'agent-3'"));
    }
}
