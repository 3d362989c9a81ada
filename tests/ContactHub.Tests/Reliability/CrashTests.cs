using System.Collections.Concurrent;
using System.Net.Http.Json;
using ContactHub.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ContactHub.Tests.Reliability;

/// <summary>The service as a real process, killed with SIGKILL in the middle of a load.</summary>
public sealed class CrashTests
{
    private const int Total = 20_000;

    [Fact]
    public async Task Killing_the_host_during_ingest_loses_nothing_acknowledged_and_duplicates_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-crash-").FullName;
        var database = $"--Database:ConnectionString=Data Source={folder}/crash.db";
        var settings = new[] { database, $"--Security:InitialKeyFile={folder}/key.txt", "--Security:RateLimits:ApiPerMinute=0", "--Logging:LogLevel:Default=Warning" };
        var created = await HostProcess.RunAsync(["apikey", "create", "--name", "loader", "--scopes", "write", .. settings]);
        var key = System.Text.RegularExpressions.Regex.Match(created.Output, "chk_[0-9a-f]{12}_[0-9a-f]{64}").Value;
        Assert.False(string.IsNullOrEmpty(key), created.Output);

        var acknowledged = new ConcurrentDictionary<int, long>();
        var port = HostProcess.FreePort();
        var host = await StartAsync(port, settings);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);

        // Eight clients; the host dies under them once a third of the load is acknowledged.
        var next = -1;
        var killed = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Total)
            {
                if (acknowledged.Count >= Total / 3 && Interlocked.Exchange(ref killed, 1) == 0) await host.DisposeAsync(); // SIGKILL
                if (await Send(http, i) is { } id) acknowledged[i] = id;
            }
        })));
        Assert.Equal(1, killed);
        var beforeRestart = acknowledged.Count;

        // The client retries everything it did not see acknowledged (and a few it did: a lost answer looks the same).
        await using var restarted = await StartAsync(port, settings);
        foreach (var i in Enumerable.Range(0, Total).Where(i => !acknowledged.ContainsKey(i) || i % 997 == 0))
        {
            var id = await Send(http, i);
            Assert.True(id is not null, $"request {i} failed after the restart");
            if (acknowledged.TryGetValue(i, out var first)) Assert.Equal(first, id);
            acknowledged[i] = id!.Value;
        }

        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={folder}/crash.db");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT provider_ref) FROM interactions WHERE provider = 'loader'";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.InRange(beforeRestart, Total / 3, Total - 1);
        Assert.Equal(Total, acknowledged.Count);
        Assert.Equal(Total, reader.GetInt64(0));
        Assert.Equal(Total, reader.GetInt64(1));
    }

    private static async Task<long?> Send(HttpClient http, int i)
    {
        try
        {
            var response = await http.PostAsJsonAsync("/api/v1/interactions", new
            {
                channel = "sms", direction = "inbound", customer = new { phone = $"+336{10_000_000 + i % 5_000}" }, body = $"message {i}",
                provider = "loader", providerRef = $"load-{i}",
            });
            if (!response.IsSuccessStatusCode) return null;
            return (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["interactionId"]!.GetValue<long>();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return null; // unanswered: the client will retry it
        }
    }

    private static async Task<HostProcess> StartAsync(int port, string[] settings)
    {
        var host = HostProcess.Start([$"--Urls=http://127.0.0.1:{port}", .. settings]);
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode) return host;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException("the host did not become ready:\n" + host.Output);
    }
}
