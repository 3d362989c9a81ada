using ContactHub.Security;
using ContactHub.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging;
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
    public async Task A_batch_the_database_refused_is_written_again_without_waiting_for_another_entry()
    {
        // The defect: after a refused write the writer waited for a new entry before trying again, and dropped the batch at stop.
        await using (var setup = await Db.OpenAsync(default))
            await setup.ExecuteAsync("""
                CREATE TABLE audit_refused (x INTEGER); INSERT INTO audit_refused VALUES (1);
                CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log WHEN EXISTS (SELECT 1 FROM audit_refused) BEGIN SELECT RAISE(ABORT, 'refused'); END;
                """);
        var log = new FailureSignal();
        using var audit = new AuditLog(Db, new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T10:00:00Z")), log);
        await audit.StartAsync(default);
        audit.Write("agent-4", "contact.lookup", "contact", "11", 11, "127.0.0.1", "phone");

        var flushing = audit.FlushAsync();
        await log.Failed.Task.WaitAsync(TimeSpan.FromSeconds(20)); // the database refused the batch once
        await using var connection = await Db.OpenAsync(default);
        await connection.ExecuteAsync("DELETE FROM audit_refused"); // and takes it now
        await flushing;

        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE actor = 'agent-4'"));
        await audit.StopAsync(default);
    }

    /// <summary>Completes when the writer logs a failed write.</summary>
    private sealed class FailureSignal : ILogger<AuditLog>
    {
        public TaskCompletionSource Failed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning) Failed.TrySetResult();
        }
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
