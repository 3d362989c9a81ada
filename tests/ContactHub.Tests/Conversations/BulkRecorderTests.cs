using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ContactHub.Tests.Conversations;

/// <summary>
/// The import's bulk path keeps the API's rules: the same events recorded one by one through InteractionRecorder and
/// in batches through BulkRecorder leave identical contacts, identifiers, duplicate candidates, conversations, interactions
/// and events, in the same order.
/// </summary>
public sealed class BulkRecorderTests
{
    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite, "history")]
    [InlineData(DatabaseProvider.Sqlite, "history then live")]
    [InlineData(DatabaseProvider.Sqlite, "live")]
    [InlineData(DatabaseProvider.Postgres, "history")]
    [InlineData(DatabaseProvider.Postgres, "history then live")]
    [InlineData(DatabaseProvider.Postgres, "live")]
    [InlineData(DatabaseProvider.Postgres, "turning live")]
    [InlineData(DatabaseProvider.SqlServer, "history")]
    [InlineData(DatabaseProvider.SqlServer, "live")]
    public async Task Batches_through_the_bulk_path_leave_the_same_rows_as_recording_each_event(DatabaseProvider provider, string when)
    {
        var engine = TestEngine.For(provider);
        Skip.If(engine.SkipReason is not null, engine.SkipReason);
        // The events span about 30 hours. History (last month's: they start, join or extend conversations that are over), live
        // (tomorrow's, never history: they join and reopen active conversations), history whose last hours are live, or history
        // that turns live within the first batch, while the customers it creates are still held (PostgreSQL writes them later).
        // Whole seconds, as events carry them: PostgreSQL keeps microseconds, and a conversation read back a tenth of a microsecond
        // earlier than the event it was written from would decide a gap of exactly the timeout differently.
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var start = when switch { "history" => new DateTimeOffset(2026, 10, 5, 8, 0, 0, TimeSpan.Zero), "live" => now.AddDays(1), "turning live" => now.AddMinutes(-75), _ => now.AddHours(-27) };
        var (events, repeats) = Events(seed: 17, count: 900, start);
        var reference = await engine.CreateDatabaseAsync("bulk_ref_" + Guid.NewGuid().ToString("N")[..10]);
        var bulk = await engine.CreateDatabaseAsync("bulk_new_" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            await using (var db = await Migrated(provider, reference))
            {
                var (recorder, _) = Recorders(db);
                await db.InTransactionAsync(async (connection, tx) =>
                {
                    foreach (var e in events) await recorder.RecordAsync(connection, tx, e, default);
                    return 0;
                });
            }
            long recorded = 0, repeated = 0;
            await using (var db = await Migrated(provider, bulk))
            {
                var (_, bulkRecorder) = Recorders(db);
                foreach (var batch in events.Chunk(150)) // caches start afresh with every transaction
                {
                    var counts = await db.InTransactionAsync((connection, tx) => bulkRecorder.RecordAsync(connection, tx, batch, default));
                    (recorded, repeated) = (recorded + counts.Recorded, repeated + counts.Repeated);
                }
            }

            Assert.True(repeats > 20, "some events are delivered again: " + repeats);
            Assert.Equal(repeats, repeated);
            Assert.Equal(events.Length - repeated, recorded);
            var expected = await Snapshot(provider, reference);
            var actual = await Snapshot(provider, bulk);
            Assert.True(expected["conversations"].Count > 60, "the events make many conversations: " + expected["conversations"].Count);
            Assert.True(expected["duplicate_candidates"].Count > 0, "some events match two contacts");
            foreach (var (table, rows) in expected)
            {
                // The first row that differs, whole: a collection's diff cuts long rows short.
                var first = Enumerable.Range(0, Math.Min(rows.Count, actual[table].Count)).FirstOrDefault(n => rows[n] != actual[table][n], -1);
                Assert.True(first < 0, first < 0 ? "" : $"{table}, row {first}:\nexpected {rows[first]}\nactual   {actual[table][first]}");
                Assert.Equal(rows, actual[table]);
            }
        }
        finally
        {
            await engine.DropDatabaseAsync(reference);
            await engine.DropDatabaseAsync(bulk);
        }
    }

    /// <summary>
    /// Calls, chats, SMS and emails of 40 customers over two days, with gaps on both sides of the 30-minute timeout,
    /// a few out of order, names arriving late, new emails for known phones, one event naming two customers, and
    /// repeated deliveries of earlier events with a new status.
    /// </summary>
    private static (NewInteraction[] Events, int Repeats) Events(int seed, int count, DateTimeOffset start)
    {
        var repeats = 0;
        var random = new Random(seed);
        var channels = new[] { "call", "chat", "sms", "whatsapp", "email" };
        var at = start;
        var list = new List<NewInteraction>();
        for (var n = 0; n < count; n++)
        {
            at = at.AddMinutes(random.Next(0, 4));
            var customer = random.Next(40);
            var identifiers = new List<Identifier> { new(IdentifierKind.Phone, "", $"+3361100{customer:D4}") };
            if (random.Next(5) == 0) identifiers.Add(new(IdentifierKind.Email, "", $"c{customer}@example.com"));
            if (random.Next(60) == 0) identifiers.Add(new(IdentifierKind.Email, "", $"c{(customer + 1) % 40}@example.com")); // two customers' identifiers
            var occurred = at.AddMinutes(random.Next(8) == 0 ? -random.Next(10, 90) : 0); // some late arrivals
            if (random.Next(15) == 0 && list.Count > 0)
            {
                list.Add(list[random.Next(list.Count)] with { Status = "completed", DurationSeconds = 60 }); // delivered again, moved on
                repeats++;
                continue;
            }
            list.Add(new NewInteraction(channels[random.Next(channels.Length)], random.Next(3) == 0 ? "outbound" : "inbound", occurred, null, null, identifiers,
                random.Next(10) == 0 ? $"Customer {customer}" : null, null, random.Next(4) == 0 ? $"agent{random.Next(3)}" : null, "received",
                random.Next(6) == 0 ? "Booking" : null, $"message {n}", "test", $"ref-{n}", null));
        }
        return ([.. list], repeats);
    }

    private static async Task<Db> Migrated(DatabaseProvider provider, string connectionString)
    {
        var db = new Db(provider, connectionString, Path.GetTempPath());
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();
        return db;
    }

    private static (InteractionRecorder Recorder, BulkRecorder Bulk) Recorders(Db db)
    {
        var options = Options.Create(new ConversationsOptions());
        var events = new ContactHub.Events.EventLog(db, new ContactHub.Events.EventSignals(), TimeProvider.System);
        var recognizer = new ContactRecognizer(db, new ContactNames(db, NullLogger<ContactNames>.Instance), events, TimeProvider.System);
        var recorder = new InteractionRecorder(db, recognizer, events, new ContactAttributeStore(db, events, TimeProvider.System), options, TimeProvider.System, NullLogger<InteractionRecorder>.Instance);
        return (recorder, new BulkRecorder(db, recorder, recognizer, events, new ContactAttributeStore(db, events, TimeProvider.System), options, TimeProvider.System));
    }

    /// <summary>Every row the recording writes, without the clock's columns (created/updated/detected at).</summary>
    private static async Task<Dictionary<string, List<string>>> Snapshot(DatabaseProvider provider, string connectionString)
    {
        await using var db = new Db(provider, connectionString, Path.GetTempPath());
        await using var connection = await db.OpenAsync();
        var queries = new Dictionary<string, string>
        {
            ["contacts"] = "SELECT id, display_name, name_key, external_id FROM contacts ORDER BY id",
            ["contact_identifiers"] = "SELECT contact_id, kind, provider, value FROM contact_identifiers ORDER BY kind, provider, value",
            ["duplicate_candidates"] = "SELECT contact_id, other_contact_id, reason FROM duplicate_candidates ORDER BY contact_id, other_contact_id",
            ["conversations"] = "SELECT id, contact_id, status, started_at, ended_at, last_activity_at, agent, subject, channels, last_channel, interaction_count FROM conversations ORDER BY id",
            ["interactions"] = "SELECT id, conversation_id, contact_id, channel, direction, occurred_at, duration_seconds, agent, status, subject, body, provider, provider_ref FROM interactions ORDER BY id",
            ["events"] = "SELECT id, type, contact_id, conversation_id, interaction_id, channel, agent, changed, data FROM events ORDER BY id",
        };
        var snapshot = new Dictionary<string, List<string>>();
        foreach (var (table, sql) in queries)
            snapshot[table] = (await connection.QueryAsync(sql)).Select(row => string.Join(" | ", ((IDictionary<string, object?>)row).Select(c => $"{c.Key}={Normalise(c.Value)}"))).ToList();
        return snapshot;
    }

    private static string Normalise(object? value) => value switch
    {
        null or DBNull => "null",
        DateTime or DateTimeOffset or string when TryTime(value, out var at) => at.ToString("O"),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    private static bool TryTime(object value, out DateTimeOffset at)
    {
        at = default;
        if (value is string text && (text.Length < 19 || text[4] != '-' || text[10] is not (' ' or 'T'))) return false;
        at = DapperSetup.ParseTimestamp(value);
        return true;
    }
}
