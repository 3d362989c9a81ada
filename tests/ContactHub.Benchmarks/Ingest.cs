using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Demo;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContactHub.Benchmarks;

/// <summary>
/// Ingest, screen-pop and timeline over HTTP, and the CSV import, each beside its baseline from the same run:
/// a raw SQLite insert of the same row (autocommit, prepared), the no-op endpoint of the same host.
/// </summary>
public static class Ingest
{
    private const int Connections = 32;

    /// <summary>Adds the screen-pop at 1,000,000 contacts / 10,000,000 interactions (<c>--large</c>; seeding takes several minutes).</summary>
    public static bool Large { get; set; }

    public static async Task RunAsync(bool smoke)
    {
        var duration = TimeSpan.FromSeconds(smoke ? 1 : 10);
        var lines = new List<string>();

        // Baseline: the same interaction row inserted raw, one autocommit statement at a time, prepared once.
        var raw = (await Runs.MedianOf(async () => [Host.Postgres is null ? RawInsertRate(smoke ? 500 : 20_000) : await RawPostgresInsertRate(smoke ? 500 : 20_000)]))[0];

        // The recorder itself, in process: one event at a time (each its own commit) and 32 at once (sharing group commits).
        using (var host = new Host())
        {
            var recorder = host.Get<InteractionRecorder>();
            var events = smoke ? 500 : 20_000;
            NewInteraction Event(int n) => new("sms", "inbound", DateTimeOffset.UtcNow, null, null, [new Identifier(IdentifierKind.Phone, "", $"+336{30_000_000 + n % 1_000}")],
                null, null, null, "received", null, "Is my flight on time?", "bench", $"p-{n}-{Guid.NewGuid():N}", null);
            var rates = await Runs.MedianOf(async () =>
            {
                var watch = Stopwatch.StartNew();
                for (var n = 0; n < events / 4; n++) await recorder.RecordAsync(Event(n));
                var single = events / 4 / watch.Elapsed.TotalSeconds;
                watch.Restart();
                var next = 0;
                await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
                {
                    while (Interlocked.Increment(ref next) <= events) await recorder.RecordAsync(Event(next));
                }));
                return [single, events / watch.Elapsed.TotalSeconds];
            });
            lines.Add($"| InteractionRecorder in process, one event at a time (a commit each) | {rates[0]:0} | — | — | 0 | {rates[0] / raw:0.00} × raw insert |");
            lines.Add($"| InteractionRecorder in process, {Connections} callers at once ({(Host.Postgres is null ? "group commit" : "a transaction each")}) | {rates[1]:0} | — | — | 0 | {rates[1] / raw:0.00} × raw insert |");
        }

        using (var host = new Host())
        {
            var client = host.Client();
            var known = Enumerable.Range(0, 1_000).Select(i => $"+336{20_000_000 + i}").ToList();
            foreach (var chunk in known.Chunk(500))
                await client.PostAsJsonAsync("/api/v1/interactions/batch", new { items = chunk.Select(p => new { channel = "sms", direction = "inbound", customer = new { phone = p } }) });
            var noop = await Load.RunAsync("GET /health/live (no-op baseline)", client, _ => "/health/live", Connections, duration);
            var random = Random.Shared;
            var ingest = await Load.RunAsync("POST /api/v1/interactions (90% known contacts)", client, i =>
            {
                var phone = i % 10 == 0 ? $"+3376{i % 10_000_000:D7}" : known[random.Next(known.Count)];
                return new HttpRequestMessage(HttpMethod.Post, "/api/v1/interactions")
                {
                    Content = JsonContent.Create(new { channel = "sms", direction = "inbound", customer = new { phone }, body = "Is my flight on time?", provider = "bench", providerRef = $"b-{i}-{Guid.NewGuid():N}" }),
                };
            }, Connections, duration);
            lines.Add(Row(noop, noop.PerSecond, "no-op"));
            lines.Add($"| {ingest.Name} | {ingest.PerSecond:0} | {ingest.P50Ms:0.00} | {ingest.P99Ms:0.00} | {ingest.Failures} | {ingest.PerSecond / noop.PerSecond:0.00} × no-op, {ingest.PerSecond / raw:0.00} × raw insert ({raw:0}/s) |");
        }

        // Screen-pop look-ups as the contact table grows, and the first timeline page of a contact with 10,000 interactions.
        var sizes = smoke ? new[] { (1_000, 2_000) } : [(10_000, 20_000), (100_000, 200_000)];
        if (Large && !smoke) sizes = [.. sizes, (1_000_000, 10_000_000)];
        foreach (var (contacts, interactions) in sizes)
        {
            using var host = new Host();
            var db = host.Get<Db>();
            var seeding = Stopwatch.StartNew();
            await new DemoSeeder(db, TimeProvider.System).SeedAsync(new DemoSeeder.Options(contacts, interactions, 30, 11));
            Console.WriteLine($"seeded {contacts:N0} contacts / {interactions:N0} interactions in {seeding.Elapsed.TotalSeconds:0} s");
            var client = host.Client();
            var noop = await Load.RunAsync("no-op", client, _ => "/health/live", Connections, duration);
            var random = Random.Shared;
            List<string> phones;
            await using (var connection = await db.OpenAsync())
                phones = [.. await connection.QueryAsync<string>("SELECT value FROM contact_identifiers WHERE kind = 'phone'")];
            var lookup = await Load.RunAsync($"GET /api/v1/contacts/lookup?phone= ({contacts:N0} contacts, {interactions:N0} interactions)", client,
                _ => "/api/v1/contacts/lookup?phone=" + Uri.EscapeDataString(phones[random.Next(phones.Count)]), Connections, duration);
            lines.Add($"| {lookup.Name} | {lookup.PerSecond:0} | {lookup.P50Ms:0.00} | {lookup.P99Ms:0.00} | {lookup.Failures} | {lookup.PerSecond / noop.PerSecond:0.00} × no-op ({noop.PerSecond:0}/s) |");
        }
        using (var host = new Host())
        {
            var client = host.Client();
            var phone = "+33655500001";
            var items = Enumerable.Range(0, 1_000).Select(i => new { channel = i % 3 == 0 ? "call" : "sms", direction = "inbound", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-i * 7), customer = new { phone } }).ToList();
            for (var n = 0; n < (smoke ? 1 : 10); n++)
                await client.PostAsJsonAsync("/api/v1/interactions/batch", new { items = items.Select(x => x with { occurredAt = x.occurredAt.AddSeconds(-n) }) });
            var contact = (await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/contacts/lookup?phone=%2B33655500001"))!["contact"]!["id"]!.GetValue<long>();
            var timeline = await Load.RunAsync($"GET /api/v1/contacts/{{id}}/activities?limit=50 ({(smoke ? 1_000 : 10_000):N0} interactions)", client,
                _ => $"/api/v1/contacts/{contact}/activities?limit=50", Connections, duration);
            lines.Add($"| {timeline.Name} | {timeline.PerSecond:0} | {timeline.P50Ms:0.00} | {timeline.P99Ms:0.00} | {timeline.Failures} | — |");
        }

        // The CSV import against the raw insert rate (SQLite only).
        var rows = smoke ? 500 : 20_000;
        var import = Host.Postgres is null ? await Runs.MedianOf(async () => await ImportRate(rows) is var r ? [r.Rate, r.Raw] : []) : [double.NaN, double.NaN];

        Console.WriteLine();
        Console.WriteLine($"## Ingest, look-ups and timeline ({Host.Engine}, {Connections} connections, {duration.TotalSeconds:0} s each)");
        Console.WriteLine("| what | req/s | p50 ms | p99 ms | failures | ratio |");
        Console.WriteLine("|---|---|---|---|---|---|");
        lines.ForEach(Console.WriteLine);
        if (Host.Postgres is not null) return;
        Console.WriteLine();
        Console.WriteLine("| bulk import | rows/s | ratio |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| raw prepared insert of the same rows (baseline, one transaction) | {import[1]:0} | 1.00 |");
        Console.WriteLine($"| `import FILE.csv` ({rows:N0} rows, recognition and grouping) | {import[0]:0} | {import[0] / import[1]:0.000} |");
    }

    private static string Row(LoadResult r, double baseline, string what) =>
        $"| {r.Name} | {r.PerSecond:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Failures} | {r.PerSecond / baseline:0.00} × {what} |";

    /// <summary>The same baseline on PostgreSQL: single-row autocommit inserts, prepared, into a fresh migrated database.</summary>
    private static async Task<double> RawPostgresInsertRate(int rows)
    {
        using var host = new Host();
        await using var connection = (Npgsql.NpgsqlConnection)await host.Get<Db>().OpenAsync();
        var contact = await connection.ExecuteScalarAsync<long>("INSERT INTO contacts (display_name, created_at, updated_at) VALUES ('x', now(), now()) RETURNING id");
        var conversation = await connection.ExecuteScalarAsync<long>("INSERT INTO conversations (contact_id, status, started_at, last_activity_at) VALUES (@contact, 'active', now(), now()) RETURNING id", new { contact });
        await using var insert = new Npgsql.NpgsqlCommand("INSERT INTO interactions (conversation_id, contact_id, channel, direction, occurred_at, body, provider, provider_ref, created_at, updated_at) VALUES ($1, $2, 'sms', 'inbound', $3, 'Is my flight on time?', 'bench', $4, $3, $3)", connection);
        insert.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = conversation });
        insert.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = contact });
        var at = new Npgsql.NpgsqlParameter<DateTime>();
        var reference = new Npgsql.NpgsqlParameter<string>();
        insert.Parameters.Add(at);
        insert.Parameters.Add(reference);
        await insert.PrepareAsync();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < rows; i++)
        {
            at.TypedValue = DateTime.UtcNow;
            reference.TypedValue = "r" + i;
            await insert.ExecuteNonQueryAsync();
        }
        return rows / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Rows per second of single-row autocommit inserts of an interaction-shaped row into a fresh migrated database.</summary>
    private static double RawInsertRate(int rows)
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-bench-raw-").FullName;
        try
        {
            var db = new Db(DatabaseProvider.Sqlite, $"Data Source={folder}/raw.db", folder);
            new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync().GetAwaiter().GetResult();
            using var connection = (SqliteConnection)db.OpenAsync().GetAwaiter().GetResult();
            connection.Execute("INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (1, 'x', '2026-01-01', '2026-01-01'); INSERT INTO conversations (id, contact_id, status, started_at, last_activity_at) VALUES (1, 1, 'active', '2026-01-01', '2026-01-01')");
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO interactions (conversation_id, contact_id, channel, direction, occurred_at, body, provider, provider_ref, created_at, updated_at) VALUES (1, 1, 'sms', 'inbound', $at, 'Is my flight on time?', 'bench', $ref, $at, $at)";
            var at = insert.Parameters.Add("$at", SqliteType.Text);
            var reference = insert.Parameters.Add("$ref", SqliteType.Text);
            insert.Prepare();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < rows; i++)
            {
                at.Value = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
                reference.Value = "r" + i;
                insert.ExecuteNonQuery();
            }
            return rows / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, true); } catch (IOException) { }
        }
    }

    private static async Task<(int Rows, double Rate, double Raw)> ImportRate(int rows)
    {
        using var host = new Host();
        var db = host.Get<Db>();
        var csv = Path.GetTempFileName();
        try
        {
            var random = new Random(5);
            await using (var writer = new StreamWriter(csv))
            {
                await writer.WriteLineAsync("channel,direction,occurred_at,phone,agent,status,body");
                for (var i = 0; i < rows; i++)
                    await writer.WriteLineAsync($"sms,inbound,2026-10-{1 + i % 28:D2}T{8 + i % 10:D2}:{i % 60:D2}:{i / 60 % 60:D2}Z,+336{40_000_000 + random.Next(rows / 5):D8},maria,received,hello {i}");
            }

            // Baseline: the same number of rows, one prepared insert, one transaction, in the same database.
            double raw;
            await using (var connection = (SqliteConnection)await db.OpenAsync())
            {
                connection.Execute("INSERT INTO contacts (display_name, created_at, updated_at) VALUES ('x', '2026-01-01', '2026-01-01')");
                var contact = connection.ExecuteScalar<long>("SELECT MAX(id) FROM contacts");
                connection.Execute("INSERT INTO conversations (contact_id, status, started_at, last_activity_at) VALUES (@contact, 'ended', '2026-01-01', '2026-01-01')", new { contact });
                var conversation = connection.ExecuteScalar<long>("SELECT MAX(id) FROM conversations");
                var watch = Stopwatch.StartNew();
                using var tx = connection.BeginTransaction();
                using var insert = connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO interactions (conversation_id, contact_id, channel, direction, occurred_at, body, created_at, updated_at) VALUES ($conversation, $contact, 'sms', 'inbound', $at, $body, $at, $at)";
                insert.Parameters.AddWithValue("$conversation", conversation);
                insert.Parameters.AddWithValue("$contact", contact);
                var at = insert.Parameters.Add("$at", SqliteType.Text);
                var body = insert.Parameters.Add("$body", SqliteType.Text);
                insert.Prepare();
                for (var i = 0; i < rows; i++)
                {
                    at.Value = "2000-01-01 08:00:00+00:00";
                    body.Value = "hello " + i;
                    insert.ExecuteNonQuery();
                }
                tx.Commit();
                raw = rows / watch.Elapsed.TotalSeconds;
            }

            var importer = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<ContactHub.Conversations.InteractionImport>(host.Services);
            var timer = Stopwatch.StartNew();
            using (var reader = new StreamReader(csv))
            {
                var result = await importer.ImportAsync(reader);
                if (result.Recorded != rows) throw new InvalidOperationException($"imported {result.Recorded} of {rows}: {string.Join("; ", result.Errors.Take(3))}");
            }
            return (rows, rows / timer.Elapsed.TotalSeconds, raw);
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
