using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

using ContactHub.Campaigns;
using ContactHub.Data;
using ContactHub.Security;
using Dapper;

namespace ContactHub.Benchmarks;

/// <summary>The benchmark runner (its own entry point: the service's Program is the host under test).</summary>
public static class Runner
{
    public static async Task<int> Main(string[] args)
    {
        // dotnet run -c Release --project tests/ContactHub.Benchmarks -- [audit|campaigns|reports|ingest|outside|all] [--smoke] [--runs N] [--large] [--postgres CONN]
        // Every figure is printed beside a baseline measured in the same run, and as a ratio to it; each is the median of N runs (3).
        var smoke = args.Contains("--smoke");
        string? Option(string name) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        Host.Postgres = Option("--postgres");
        Runs.Count = smoke ? 1 : int.Parse(Option("--runs") ?? "3", CultureInfo.InvariantCulture);
        Ingest.Large = args.Contains("--large");
        var suites = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] is not ("--postgres" or "--runs" or "--size"))).DefaultIfEmpty("all").ToHashSet();
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        Console.WriteLine($"# ContactHub benchmarks — {DateTime.UtcNow:u}, {Environment.ProcessorCount} cores, .NET {Environment.Version}{(smoke ? " (smoke: tiny sizes, figures meaningless)" : $", medians of {Runs.Count} runs")}");

        // The suites that run the service as its own process run it published; publish before any clock starts.
        if (suites.Overlaps(["all", "reports", "outside"])) _ = PublishedService.Dll;

        if (suites.Contains("all") || suites.Contains("audit")) await Audit(smoke);
        if (suites.Contains("all") || suites.Contains("campaigns")) await Campaigns(smoke);
        if (suites.Contains("all") || suites.Contains("reports")) await Reports.RunAsync(smoke);
        if (suites.Contains("all") || suites.Contains("ingest")) await Ingest.RunAsync(smoke);
        if (suites.Contains("all") || suites.Contains("outside"))
        {
            var tables = Print(await Outside.RunAsync(smoke, Ingest.Large, Host.Postgres, Option("--size")));
            if (args.Contains("--update-docs") && !smoke && Option("--size") is null) UpdateDocs(tables, Host.Postgres is null ? "sqlite" : "postgres");
        }
        return 0;
    }

    /// <summary>Puts the tables between the markers of their engine in docs/BENCHMARKS.md (the rest of the page is prose).</summary>
    private static void UpdateDocs(string tables, string engine)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "ContactHub.sln"))) root = root.Parent!;
        var path = Path.Combine(root.FullName, "docs", "BENCHMARKS.md");
        var text = File.ReadAllText(path);
        string begin = $"<!-- outside:{engine}:begin -->", end = $"<!-- outside:{engine}:end -->";
        var from = text.IndexOf(begin, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from) throw new InvalidOperationException($"{path} has no {begin} … {end} markers.");
        File.WriteAllText(path, text[..(from + begin.Length)] + $"\n_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, medians of {Runs.Count} runs._\n" + tables + "\n" + text[to..]);
        Console.WriteLine($"updated {path} ({engine})");
    }

    /// <summary>The outside figures as BENCHMARKS.md shows them: each with its ratio to the same run's no-op endpoint.</summary>
    private static string Print(IReadOnlyList<(string Dataset, IReadOnlyList<Outside.Figure> Figures, Outside.ImportFigure Import)> results)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (dataset, figures, import) in results)
        {
            text.AppendLine().AppendLine($"### {dataset}");
            var database = figures.Any(f => !double.IsNaN(f.DatabaseCpuMsPerRequest));
            text.AppendLine($"| what | req/s | p50 ms | p99 ms | non-2xx | service CPU ms per request |{(database ? " PostgreSQL CPU ms per request |" : "")} ratio to no-op |");
            text.AppendLine(database ? "|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|");
            var noop = figures[0].PerSecond;
            foreach (var f in figures)
                text.AppendLine($"| {f.Name} | {f.PerSecond:0} | {f.P50Ms:0.00} | {f.P99Ms:0.00} | {f.Errors} | {f.CpuMsPerRequest:0.000} |{(database ? $" {f.DatabaseCpuMsPerRequest:0.000} |" : "")} {f.PerSecond / noop:0.00} |");
            text.AppendLine();
            text.AppendLine("| import (its own process) | rows | seconds | rows/s | rows/s as the command reports it (no start-up) | ratio to raw insert |");
            text.AppendLine("|---|---|---|---|---|---|");
            text.AppendLine($"| raw prepared single-row INSERT, one transaction, same database (baseline) | {import.Rows:N0} | {import.Rows / import.RawPerSecond:0.00} | {import.RawPerSecond:0} | — | 1.00 |");
            text.AppendLine($"| `import FILE.csv`, sorted by time, 90% known contacts (recognition, grouping, events) | {import.Rows:N0} | {import.Seconds:0.00} | {import.RowsPerSecond:0} | {import.ReportedPerSecond:0} | {import.ReportedPerSecond / import.RawPerSecond:0.00} |");
        }
        Console.WriteLine();
        Console.WriteLine("## From outside: wrk (1 thread, 32 connections) against the Release service in its own process");
        Console.Write(text);
        return text.ToString();
    }

    private static async Task Audit(bool smoke)
    {
        using var host = new Host();
        var client = host.Client();
        var contacts = new List<long>();
        var items = Enumerable.Range(0, smoke ? 50 : 1000).Select(i => new { channel = "call", direction = "inbound", customer = new { phone = $"+336{10000000 + i}" } }).ToList();
        var batch = await (await client.PostAsJsonAsync("/api/v1/interactions/batch", new { items })).Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
        foreach (var r in batch!["results"]!.AsArray()) if (r!["contactId"] is { } id) contacts.Add(id.GetValue<long>());
        if (contacts.Count == 0) throw new InvalidOperationException("seeding failed: " + batch.ToJsonString());

        var duration = TimeSpan.FromSeconds(smoke ? 1 : 10);
        const int connections = 16;
        await Load.RunAsync("warm-up", client, i => $"/api/v1/contacts/{contacts[i % contacts.Count]}", connections, TimeSpan.FromSeconds(smoke ? 0.5 : 3));
        var noop = await Load.RunAsync("GET /health/live (no-op baseline)", client, _ => "/health/live", connections, duration);
        var read = await Load.RunAsync("GET /api/v1/contacts/{id} (authenticated, audited)", client, i => $"/api/v1/contacts/{contacts[i % contacts.Count]}", connections, duration);
        var timeline = await Load.RunAsync("GET /api/v1/contacts/{id}/activities (audited)", client, i => $"/api/v1/contacts/{contacts[i % contacts.Count]}/activities", connections, duration);

        // The audit write itself: queued by the read (what the request pays) vs. written synchronously (what it would pay otherwise).
        var audit = host.Get<AuditLog>();
        var writes = smoke ? 1_000 : 200_000;
        var queued = Stopwatch.StartNew();
        for (var i = 0; i < writes; i++) audit.Write("bench", "contact.read", "contact", i.ToString(CultureInfo.InvariantCulture), i, "127.0.0.1", null);
        queued.Stop();
        await audit.FlushAsync();
        var db = host.Get<Db>();
        var syncWrites = smoke ? 100 : 5_000;
        var sync = Stopwatch.StartNew();
        for (var i = 0; i < syncWrites; i++)
        {
            await using var connection = await db.OpenAsync();
            await connection.ExecuteAsync("INSERT INTO audit_log (occurred_at, actor, action, target_type, target_id, contact_id) VALUES (@now, 'bench', 'contact.read', 'contact', '1', 1)", new { now = DateTimeOffset.UtcNow });
        }
        sync.Stop();

        Console.WriteLine();
        Console.WriteLine($"## Audit on the read path (SQLite, {connections} connections, {duration.TotalSeconds:0} s each)");
        Console.WriteLine("| what | req/s | p50 ms | p99 ms | failures | ratio to no-op |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in new[] { noop, read, timeline })
            Console.WriteLine($"| {r.Name} | {r.PerSecond:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Failures} | {r.PerSecond / noop.PerSecond:0.00} |");
        var perQueued = queued.Elapsed.TotalMicroseconds / writes;
        var perSync = sync.Elapsed.TotalMicroseconds / syncWrites;
        Console.WriteLine();
        Console.WriteLine("| audit entry | µs per entry | ratio |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| queued by the request (AuditLog.Write) | {perQueued:0.000} | 1 |");
        Console.WriteLine($"| written synchronously (one INSERT, autocommit) — the baseline avoided | {perSync:0.0} | {perSync / perQueued:0} |");
    }

    private static async Task Campaigns(bool smoke)
    {
        using var host = new Host();
        var db = host.Get<Db>();
        var interactions = smoke ? 5_000 : 1_000_000;
        var contacts = interactions / 10;
        var now = DateTimeOffset.UtcNow;
        var seed = Stopwatch.StartNew();
        await using (var connection = await db.OpenAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var random = new Random(42);
            for (var c = 1; c <= contacts; c++)
            {
                await connection.ExecuteAsync("INSERT INTO contacts (id, display_name, name_key, created_at, updated_at) VALUES (@c, 'Customer', 'customer', @now, @now)", new { c, now }, tx);
                await connection.ExecuteAsync("INSERT INTO contact_identifiers (contact_id, kind, provider, value, created_at) VALUES (@c, 'phone', '', @phone, @now)", new { c, phone = $"+336{10000000 + c}", now }, tx);
                await connection.ExecuteAsync("INSERT INTO conversations (id, contact_id, status, started_at, ended_at, last_activity_at, channels, last_channel, interaction_count) VALUES (@c, @c, 'ended', @now, @now, @now, ',call,', 'call', 10)", new { c, now = now.AddDays(-3) }, tx);
            }
            for (var i = 0; i < interactions; i++)
            {
                var c = i % contacts + 1;
                var missed = i % 1000 == 0; // 0.1% are missed calls nobody returned, all within the look-back
                await connection.ExecuteAsync("""
                    INSERT INTO interactions (conversation_id, contact_id, channel, direction, occurred_at, status, duration_seconds, created_at, updated_at)
                    VALUES (@c, @c, @channel, @direction, @at, @status, @duration, @at, @at)
                    """, new
                {
                    c, channel = missed ? "call" : (i % 3) switch { 0 => "call", 1 => "sms", _ => "email" }, direction = missed || i % 2 == 0 ? "inbound" : "outbound",
                    at = missed ? now.AddHours(-1).AddSeconds(-random.Next(3600)) : now.AddDays(-6).AddSeconds(random.Next(86_400 * 5)),
                    status = missed ? "missed" : "completed", duration = (long)random.Next(600),
                }, tx);
            }
            await tx.CommitAsync();
        }
        seed.Stop();

        var client = host.Client();
        var created = await client.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "bench", trigger = "missed-call-not-returned", parameters = new { minutes = 30 }, channel = "sms", body = "Sorry we missed your call.",
            startsAt = now.AddDays(-7),
        });
        if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"The campaign was refused: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        var campaign = await created.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
        var row = (await host.Get<CampaignStore>().GetAsync(campaign!["id"]!.GetValue<long>(), CancellationToken.None))!;

        var scan = Stopwatch.StartNew();
        await using (var connection = await db.OpenAsync())
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE status = 'missed' OR status <> 'missed'");
        scan.Stop();
        var preview = Stopwatch.StartNew();
        var (decisions, _) = await host.Get<CampaignEvaluator>().PreviewAsync(row, CancellationToken.None);
        preview.Stop();
        var run = Stopwatch.StartNew();
        var acted = await host.Get<CampaignEvaluator>().RunAsync();
        run.Stop();
        var again = Stopwatch.StartNew();
        var actedAgain = await host.Get<CampaignEvaluator>().RunAsync();
        again.Stop();

        Console.WriteLine();
        Console.WriteLine($"## Campaign evaluator over {interactions:N0} interactions ({contacts:N0} contacts, SQLite; seeded in {seed.Elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine("| what | ms | ratio to full scan |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| full scan of interactions (baseline: SELECT COUNT(*) …) | {scan.Elapsed.TotalMilliseconds:0} | 1.00 |");
        Console.WriteLine($"| preview: find {decisions.Count:N0} triggers and decide each | {preview.Elapsed.TotalMilliseconds:0} | {preview.Elapsed / scan.Elapsed:0.00} |");
        Console.WriteLine($"| evaluator pass: claim and queue {acted:N0} messages through the outbox | {run.Elapsed.TotalMilliseconds:0} | {run.Elapsed / scan.Elapsed:0.00} |");
        Console.WriteLine($"| second pass: nothing new ({actedAgain} queued) | {again.Elapsed.TotalMilliseconds:0} | {again.Elapsed / scan.Elapsed:0.00} |");
    }
}
