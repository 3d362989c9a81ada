using System.Diagnostics;

namespace ContactHub.Benchmarks;

public sealed record LoadResult(string Name, long Requests, double Seconds, double P50Ms, double P99Ms, long Failures)
{
    public double PerSecond => Requests / Seconds;
}

/// <summary>A closed-loop load generator: N concurrent clients, each sending its next request when the last one answered.</summary>
public static class Load
{
    public static Task<LoadResult> RunAsync(string name, HttpClient client, Func<int, string> url, int connections, TimeSpan duration) =>
        RunAsync(name, client, i => new HttpRequestMessage(HttpMethod.Get, url(i)), connections, duration);

    /// <summary>The same with any request (a POST with its body, say); a request is built anew for each send.</summary>
    public static async Task<LoadResult> RunAsync(string name, HttpClient client, Func<int, HttpRequestMessage> request, int connections, TimeSpan duration)
    {
        var latencies = new List<double>[connections];
        long failures = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
        {
            var mine = latencies[worker] = new List<double>(100_000);
            var i = worker;
            while (stop.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var message = request(i);
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
                i += connections;
            }
        }));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(name, all.Length, stop.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), failures);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];
}
