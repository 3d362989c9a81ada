using System.Data.Common;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Data;

/// <summary>
/// A request holds one pooled connection at a time. The defect: a screen-pop typed the contact's attributes while it still held
/// its read connection, and the attribute schema — read again once its cache has expired — needs a connection of its own.
/// With every connection of the pool held by look-ups (a burst of them, or a small pool), each waited for a connection only
/// another could give back: every look-up stalled until the pool's timeout. A pool of one makes the wait certain.
/// </summary>
public sealed class ConnectionPoolTests() : MigratedPostgres("pool")
{
    protected override async Task SeedAsync(DbConnection connection)
    {
        await connection.ExecuteAsync("""
            INSERT INTO contacts (id, display_name, created_at, updated_at) OVERRIDING SYSTEM VALUE VALUES (1, 'Zoé Dupont', now(), now());
            INSERT INTO contact_identifiers (contact_id, kind, provider, value, created_at) VALUES (1, 'phone', '', '+33611000001', now());
            INSERT INTO contact_attribute_definitions (attr_key, type, required, created_at, updated_at) VALUES ('tier', 'number', 0, now(), now());
            INSERT INTO contact_attributes (contact_id, attr_key, value, updated_at) VALUES (1, 'tier', '3', now());
            """);
    }

    [SkippableFact]
    public async Task A_screen_pop_answers_on_a_pool_of_one_connection()
    {
        Skip.If(SkipReason is not null, SkipReason);
        // Timeout: how long Npgsql waits for a free connection before it gives up.
        await using var db = new Db(DatabaseProvider.Postgres, ConnectionString + ";Maximum Pool Size=1;Timeout=3", Path.GetTempPath());
        var history = new ContactHistory(db, new ContactAttributeStore(db, new ContactHub.Events.EventLog(db, new ContactHub.Events.EventSignals(), TimeProvider.System), TimeProvider.System));

        var pop = await history.LookupAsync(new Identifier(IdentifierKind.Phone, "", "+33611000001"));

        Assert.NotNull(pop);
        Assert.Equal("Zoé Dupont", pop.Contact.Name);
        Assert.Equal(3L, Convert.ToInt64(pop.Contact.Attributes!["tier"]));
    }

    [SkippableFact]
    public async Task Hot_reads_beyond_the_setting_wait_their_turn_in_order()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await using var db = new Db(DatabaseProvider.Postgres, ConnectionString, Path.GetTempPath(), concurrentReads: 2);
        Assert.Equal(2, db.Reads.Concurrent);
        var first = await db.Reads.LeaseAsync(default);
        var second = await db.Reads.LeaseAsync(default);
        var third = db.Reads.LeaseAsync(default).AsTask();
        var fourth = db.Reads.LeaseAsync(default).AsTask();
        await Task.Delay(200);
        Assert.False(third.IsCompleted, "a third read waits while two are out");

        await first.DisposeAsync();
        var thirdLease = await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(fourth.IsCompleted, "the fourth waits for the next turn: the third came first");
        await second.DisposeAsync();
        var fourthLease = await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await fourthLease.Connection.ExecuteScalarAsync<int>("SELECT 1"));
        await thirdLease.DisposeAsync();
        await fourthLease.DisposeAsync();
    }
}
