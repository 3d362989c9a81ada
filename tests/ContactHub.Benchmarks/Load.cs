using System.Diagnostics;

namespace ContactHub.Benchmarks;

public sealed record LoadResult(string Name, double PerSecond, double P50Ms, double P99Ms, long Failures);

/// <summary>How many times each figure is measured; the tables give the median (set by <c>--runs N</c>).</summary>
public static class Runs
{
    public static int Count { get; set; } = 3;

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Measures <see cref="Count"/> times and gives the median of each figure.</summary>
    public static async Task<double[]> MedianOf(Func<Task<double[]>> measure)
    {
        var all = new List<double[]>();
        for (var n = 0; n < Count; n++) all.Add(await measure());
        return [.. Enumerable.Range(0, all[0].Length).Select(k => Median(all.Select(a => a[k])))];
    }
}

/// <summary>
/// A closed-loop load generator: N concurrent clients, each sending its next request when the last one answered,
/// for <see cref="Runs.Count"/> windows of the given duration; req/s, p50 and p99 are each the median over the windows.
/// </summary>
public static class Load
{
    public static Task<LoadResult> RunAsync(string name, HttpClient client, Func<int, string> url, int connections, TimeSpan duration) =>
        RunAsync(name, client, i => new HttpRequestMessage(HttpMethod.Get, url(i)), connections, duration);

    /// <summary>The same with any request (a POST with its body, say); a request is built anew for each send.</summary>
    public static async Task<LoadResult> RunAsync(string name, HttpClient client, Func<int, HttpRequestMessage> request, int connections, TimeSpan duration)
    {
        var windows = new List<(double PerSecond, double P50, double P99, long Failures)>();
        var next = 0;
        for (var n = 0; n < Runs.Count; n++)
            windows.Add(await WindowAsync(client, i => request(next + i), connections, duration, sent => next += sent));
        return new LoadResult(name, Runs.Median(windows.Select(w => w.PerSecond)), Runs.Median(windows.Select(w => w.P50)), Runs.Median(windows.Select(w => w.P99)),
            windows.Sum(w => w.Failures));
    }

    private static async Task<(double PerSecond, double P50, double P99, long Failures)> WindowAsync(HttpClient client, Func<int, HttpRequestMessage> request,
        int connections, TimeSpan duration, Action<int> sent)
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
        sent(all.Length + connections); // the next window's request numbers follow on (unique provider refs, say)
        return (all.Length / stop.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), failures);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];
}
