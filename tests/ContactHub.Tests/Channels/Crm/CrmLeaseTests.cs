using ContactHub.Channels.Crm;
using ContactHub.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace ContactHub.Tests.Channels.Crm;

/// <summary>
/// One node at a time writes a connector's events, held by a lease on its cursor. The defect: only the start of a round took
/// the lease, so a round of many events that outlived it (a slow CRM, a busy machine) let the other node take the connector
/// mid-round and write again what this one had written but not yet advanced past (seen as a task written twice in CI).
/// </summary>
public sealed class CrmLeaseTests() : MigratedSqlite("crmlease")
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Each_event_advanced_past_renews_the_lease_so_a_long_round_keeps_its_connector()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T10:00:00Z"));
        var store = new CrmStore(Db, clock);
        await store.EnsureCursorAsync("dynamics", 0, default);
        Assert.NotNull(await store.LeaseAsync("dynamics", "node-a", Lease, default));

        // Node A writes one event every four seconds: twelve seconds into its round, past the first lease's end.
        for (var position = 1; position <= 3; position++)
        {
            clock.Advance(TimeSpan.FromSeconds(4));
            Assert.Null(await store.LeaseAsync("dynamics", "node-b", Lease, default)); // B cannot take it mid-round
            Assert.True(await store.AdvanceAsync("dynamics", "node-a", position, wrote: true, Lease, default));
        }

        // When A stops advancing, the lease runs out and B takes over where A left off.
        clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var taken = await store.LeaseAsync("dynamics", "node-b", Lease, default);
        Assert.Equal(3, taken?.Position);
        Assert.False(await store.AdvanceAsync("dynamics", "node-a", 4, wrote: true, Lease, default));
    }
}
