using ContactHub.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using static ContactHub.Tests.Infrastructure.Eventually;

namespace ContactHub.Tests.Data;

/// <summary>
/// A request its client abandons is cancelled <c>Database:CancelAfterAbort</c> later, not at once. The defect: the request's
/// token reached Npgsql, which on cancellation opens a connection to PostgreSQL (a TLS handshake included) synchronously, on a
/// thread-pool thread, to send a cancel request; 32 connections closed at once by a load generator held the pool's threads and
/// the service answered nothing for 0.5–2 s. Here a screen-pop waits on a locked table while its client goes away.
/// </summary>
public abstract class AbandonedRequestSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : AbandonedRequestApp
{
    /// <summary>A screen-pop waiting on the locked tags when its client goes away.</summary>
    protected async Task<(PostgresLocks Locks, Task<HttpResponseMessage> LookUp)> AbandonLookUpAsync()
    {
        var phone = Customers.Phone();
        await App.Client().PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone } }, 201);
        var locks = await PostgresLocks.LockAsync(App.ConnectionString, "contact_tags");
        using var client = new CancellationTokenSource();
        var lookUp = App.Client("read").GetAsync($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}", client.Token);
        await locks.UntilAsync(n => n > 0, "the screen-pop to reach the locked table");
        App.Logs.All.Clear();
        client.Cancel();
        return (locks, lookUp);
    }

    protected Task HostSawTheClientGoAsync() =>
        Until(() => App.Logs.All.Any(l => l.Contains("abandoned GET /api/v1/contacts/lookup")), "the host to see the client go away");

}

public sealed class AbandonedShortRequestTests(AbandonedRequestApp.LongGrace app) : AbandonedRequestSuite<AbandonedRequestApp.LongGrace>(app)
{
    [SkippableFact]
    public async Task An_abandoned_screen_pop_finishes_its_statement_instead_of_having_it_cancelled()
    {
        var (locks, lookUp) = await AbandonLookUpAsync();
        await using var _ = locks;

        // Cancelled, its statement would leave the lock's queue as soon as the host sees the socket close; it stays until the lock is released.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(1, await locks.WaitersAsync());
            await Task.Delay(100);
        }
        await HostSawTheClientGoAsync();
        Assert.Equal(1, await locks.WaitersAsync());
        await locks.ReleaseAsync();
        await locks.UntilAsync(n => n == 0, "the screen-pop's statement to finish");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lookUp);
        Assert.Empty(App.Logs.Errors);
    }
}

public sealed class AbandonedLongRequestTests(AbandonedRequestApp.ShortGrace app) : AbandonedRequestSuite<AbandonedRequestApp.ShortGrace>(app)
{
    [SkippableFact]
    public async Task Work_still_running_when_the_grace_is_over_is_cancelled()
    {
        var (locks, lookUp) = await AbandonLookUpAsync();
        await using var _ = locks;

        await locks.UntilAsync(n => n == 0, "the abandoned statement to be cancelled");
        await HostSawTheClientGoAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lookUp);
        Assert.Empty(App.Logs.Errors);
    }
}

/// <summary>PostgreSQL behind real Kestrel (a client that goes away closes its socket), with the abandoned-request log line kept.</summary>
public abstract class AbandonedRequestApp : ContactHubApp
{
    private readonly string _grace;

    private AbandonedRequestApp(string grace) : base(ContactHub.Data.DatabaseProvider.Postgres)
    {
        _grace = grace;
        Logs.MinimumLevel = LogLevel.Debug;
    }

    protected override bool RealServer => true;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Database:CancelAfterAbort", _grace),
        new("Logging:LogLevel:ContactHub.Data.AbandonedRequests", "Debug"),
    ];

    public sealed class LongGrace() : AbandonedRequestApp("00:05:00");

    public sealed class ShortGrace() : AbandonedRequestApp("00:00:00.200");
}
