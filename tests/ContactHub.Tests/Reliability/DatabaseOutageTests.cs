using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Npgsql;

namespace ContactHub.Tests.Reliability;

/// <summary>
/// PostgreSQL reached through a proxy the test can cut, as a network or database outage would (stopping the shared
/// PostgreSQL itself would take down every other test class running beside this one).
/// </summary>
public sealed class OutageApp() : ContactHubApp(DatabaseProvider.Postgres)
{
    public TcpProxy? Proxy { get; private set; }

    protected override string AppConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Proxy ??= new TcpProxy(builder.Port);
        builder.Host = "127.0.0.1";
        builder.Port = Proxy.Port;
        builder.Timeout = 3;
        return builder.ToString();
    }

    protected override ValueTask DisposeExtrasAsync() => Proxy?.DisposeAsync() ?? ValueTask.CompletedTask;
}

public sealed class DatabaseOutageTests(OutageApp app) : EngineSuite<OutageApp>(app)
{
    [SkippableFact]
    public async Task A_database_outage_answers_503_and_recovers_without_a_restart_losing_nothing_acknowledged()
    {
        var api = App.Client("write", "read");
        var anonymous = App.Anonymous();
        var acknowledged = new ConcurrentDictionary<string, long>();
        var statuses = new ConcurrentBag<int>();
        var stop = new CancellationTokenSource();
        var n = 0;
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var reference = $"outage-{Interlocked.Increment(ref n)}";
                var response = await api.PostAsJsonAsync("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone = Customers.Phone() }, provider = "outage", providerRef = reference });
                statuses.Add((int)response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Created)
                    acknowledged[reference] = (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["interactionId"]!.GetValue<long>();
                else
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    await Task.Delay(20); // a client backs off a little on 503 (Retry-After says 1 s; the test wants many tries)
                }
            }
        })));

        await Task.Delay(1000);
        App.Proxy!.Cut();
        await Task.Delay(1500);
        var readyDuringOutage = await anonymous.GetAsync("/health/ready");
        var liveDuringOutage = await anonymous.GetAsync("/health/live");
        var apiDuringOutage = await api.PostAsJsonAsync("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone = Customers.Phone() } });
        await Task.Delay(18_500); // twenty seconds without a database in all
        App.Proxy.Start();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await anonymous.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline) await Task.Delay(200);
        await Task.Delay(1000); // the load goes on after the recovery
        await stop.CancelAsync();
        await load;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyDuringOutage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, liveDuringOutage.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, apiDuringOutage.StatusCode);
        Assert.True(apiDuringOutage.Headers.RetryAfter is not null);
        Assert.DoesNotContain(statuses, s => s >= 500 && s != 503);
        Assert.Contains(503, statuses);
        Assert.True(statuses.Count(s => s == 201) > acknowledged.Count / 2);
        await using var connection = await App.Get<Db>().OpenAsync(); // through the restored proxy
        foreach (var (reference, id) in acknowledged)
            Assert.Equal(id, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT id FROM interactions WHERE provider = 'outage' AND provider_ref = @reference", new { reference }));
        Assert.DoesNotContain(App.Logs.Errors, e => e.Contains("Unhandled exception", StringComparison.Ordinal));
    }
}
