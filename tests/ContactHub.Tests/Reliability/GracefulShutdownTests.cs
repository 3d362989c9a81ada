using System.Collections.Concurrent;
using System.Net.Http.Json;
using ContactHub.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ContactHub.Tests.Reliability;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_under_load_finishes_what_was_accepted_and_exits_cleanly()
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-sigterm-").FullName;
        var settings = new[] { $"--Database:ConnectionString=Data Source={folder}/app.db", $"--Security:InitialKeyFile={folder}/key.txt", "--Security:RateLimits:ApiPerMinute=0" };
        var created = await HostProcess.RunAsync(["apikey", "create", "--name", "loader", "--scopes", "write", .. settings]);
        var key = System.Text.RegularExpressions.Regex.Match(created.Output, "chk_[0-9a-f]{12}_[0-9a-f]{64}").Value;
        var port = HostProcess.FreePort();
        await using var host = HostProcess.Start([$"--Urls=http://127.0.0.1:{port}", .. settings]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try { if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) break; }
            catch (HttpRequestException) { await Task.Delay(100); }
        }

        var acknowledged = new ConcurrentBag<string>();
        var serverErrors = new ConcurrentBag<int>();
        var terminated = false;
        var n = 0;
        var load = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!host.HasExited)
            {
                var reference = $"term-{Interlocked.Increment(ref n)}";
                try
                {
                    var response = await http.PostAsJsonAsync("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone = $"+336{10_000_000 + n % 3000}" }, provider = "term", providerRef = reference });
                    if ((int)response.StatusCode >= 500) serverErrors.Add((int)response.StatusCode);
                    else if (response.IsSuccessStatusCode) acknowledged.Add(reference);
                }
                catch (HttpRequestException) when (Volatile.Read(ref terminated)) { await Task.Delay(10); } // refused once stopping: never acknowledged
            }
        })));
        await Task.Delay(1500);
        Volatile.Write(ref terminated, true);
        host.Terminate();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await host.WaitForExitAsync(timeout.Token);
        await load;

        Assert.Equal(0, host.ExitCode);
        Assert.Empty(serverErrors);
        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} requests before the stop");
        Assert.Contains("shutting down", host.Output, StringComparison.OrdinalIgnoreCase);
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={folder}/app.db");
        await connection.OpenAsync();
        var stored = new HashSet<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT provider_ref FROM interactions WHERE provider = 'term'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        }
        Assert.All(acknowledged, reference => Assert.Contains(reference, stored));
    }
}
