using ContactHub.Contacts;
using ContactHub.Events;
using ContactHub.Security;
using ContactHub.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ContactHub.Tests.Security;

/// <summary>
/// What the hot path keeps in memory (a verified API key, the attribute schema) is read again by one request when it has expired;
/// the requests arriving meanwhile wait for that read. The defect: each of them opened a connection of its own for the same
/// row — thirty-two at once under load on PostgreSQL — and the pool kept them all and handed them out in turn, so every later
/// query ran on a different backend (PostgreSQL's CPU per screen-pop 0.15 → 0.21–0.29 ms).
/// Here the table is locked while sixteen requests ask at once: the backends that wait on the lock are the reads that were made.
/// </summary>
public sealed class CacheStampedeTests() : MigratedPostgres("stampede")
{
    private const int Requests = 16;

    [SkippableFact]
    public async Task Requests_presenting_a_key_being_verified_share_one_look_up()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var store = new ApiKeyStore(Db, TimeProvider.System);
        var (_, key) = await store.CreateAsync("desk", ["read"]);
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var keys = new VerifiedKeys(store, cache, Options.Create(new SecurityOptions()));

        var (waiting, principals) = await WhileLockedAsync("api_keys", () => keys.VerifyAsync(key, default));

        Assert.Equal(1, waiting);
        Assert.All(principals, p => Assert.Equal("key:desk", p?.Identity?.Name));
    }

    [SkippableFact]
    public async Task Requests_needing_the_attribute_schema_share_one_read_of_it()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var events = new EventLog(Db, new EventSignals(), TimeProvider.System);
        var attributes = new ContactAttributeStore(Db, events, TimeProvider.System);
        Assert.True(await attributes.DefineAsync("tier", "text", null, false, "Tier", default));

        var (waiting, schemas) = await WhileLockedAsync("contact_attribute_definitions", () => attributes.SchemaAsync(default));

        Assert.Equal(1, waiting);
        Assert.All(schemas, s => Assert.Equal("Tier", s["tier"].Label));
    }

    private async Task<(int Waiting, T[] Results)> WhileLockedAsync<T>(string table, Func<Task<T>> request)
    {
        await using var locks = await PostgresLocks.LockAsync(ConnectionString, table);
        var requests = Enumerable.Range(0, Requests).Select(_ => Task.Run(request)).ToArray();
        await locks.UntilAsync(n => n > 0, "a request to reach the locked table");
        await Task.Delay(TimeSpan.FromSeconds(1)); // time for any other request's own read to reach the lock
        var waiting = await locks.WaitersAsync();
        await locks.ReleaseAsync();
        return (waiting, await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
