using System.Data.Common;
using ContactHub.Contacts;
using ContactHub.Data;
using ContactHub.Events;
using ContactHub.Hosting;
using Dapper;

namespace ContactHub.Demo;

/// <summary>
/// Realistic demo data written straight to the configured database: contacts with one to three identifiers,
/// omnichannel conversations (a chat that becomes a call and ends with an SMS), call durations, missed calls, how long
/// answered calls rang, agents, business hours in Paris. Deterministic for a given seed.
/// </summary>
/// <param name="sequencer">Numbers the answers' events before the command ends, where the engine numbers them after commit: left to the
/// service's first minutes, a million of them would be sequenced under its first users' load.</param>
public sealed class DemoSeeder(Db db, TimeProvider clock, EventSequencer? sequencer = null)
{
    public sealed record Options(int Contacts, int Interactions, int Days, int Seed);

    private static readonly string[] FirstNames = ["Ana", "Ben", "Chloé", "David", "Emma", "Farid", "Giulia", "Hugo", "Inès", "Jonas", "Karim", "Léa", "Marta", "Noah", "Olivia", "Pierre", "Quentin", "Rosa", "Sami", "Théo", "Yasmine", "Zoé"];
    private static readonly string[] LastNames = ["Lima", "Okafor", "Martin", "Bernard", "Dubois", "Moreau", "Rossi", "Garcia", "Nguyen", "Schmidt", "Haddad", "Lefèvre", "Costa", "Petit", "Kowalski", "Fontaine"];
    private static readonly string[] Agents = ["maria", "tom", "lea", "karim", "sofia", "jon", "amelie", "yusuf"];
    private static readonly (string Channel, int Weight)[] Mix = [("call", 35), ("chat", 15), ("sms", 20), ("whatsapp", 12), ("email", 15), ("messaging", 3)];
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private const string ContactSql = """
        INSERT INTO contacts (display_name, name_key, created_at, updated_at) {OUTPUT_ID} VALUES (@name, @nameKey, @at, @at) {RETURNING_ID}
        """;

    private const string IdentifierSql = """
        INSERT INTO contact_identifiers (contact_id, kind, provider, value, created_at) VALUES (@contactId, @kind, '', @value, @at)
        """;

    private const string ConversationSql = """
        INSERT INTO conversations (contact_id, status, started_at, ended_at, last_activity_at, agent, channels, last_channel, interaction_count) {OUTPUT_ID}
        VALUES (@contactId, @status, @startedAt, @endedAt, @lastActivityAt, @agent, @channels, @lastChannel, @count) {RETURNING_ID}
        """;

    private const string FollowUpSql = """
        INSERT INTO follow_ups (contact_id, conversation_id, title, assigned_to, due_at, status, created_by, created_at, completed_at)
        VALUES (@contactId, @conversationId, @title, @agent, @dueAt, @status, @agent, @createdAt, @completedAt)
        """;

    private static readonly string[] FollowUpTitles = ["Call back with the refund amount", "Send the updated booking", "Check the delivery date", "Confirm the new seat", "Chase the missing invoice"];

    private const string InteractionSql = """
        INSERT INTO interactions (conversation_id, contact_id, channel, direction, occurred_at, ended_at, duration_seconds, agent, status, subject, created_at, updated_at) {OUTPUT_ID}
        VALUES (@conversationId, @contactId, @channel, @direction, @at, @endedAt, @duration, @agent, @status, @subject, @at, @at) {RETURNING_ID}
        """;

    // An answered inbound call's answer: the status change the service levels' speed of answer measures from the ring (the call's start).
    private const string AnsweredSql = """
        INSERT INTO events (position, type, contact_id, conversation_id, interaction_id, channel, agent, changed, data, occurred_at)
        VALUES ({EVENT_POSITION}, 'interaction.status-changed', @contactId, @conversationId, @interactionId, NULL, NULL, 'status', @data, @at)
        """;

    private sealed record ContactRow(int Index, string Name, DateTimeOffset Created, List<(string Kind, string Value)> Identifiers);

    private sealed record ConversationRow(int Contact, List<InteractionRow> Steps, bool Ended, string Agent);

    private sealed record InteractionRow(string Channel, string Direction, DateTimeOffset At, DateTimeOffset? EndedAt, long? Duration, string? Agent, string Status, string? Subject);

    /// <summary>
    /// Writes the contacts in transactions of up to 2,000 (one round trip per thousand rows on the server engines, see
    /// <see cref="StatementBatches"/>), then the conversations and the interactions <b>in time order</b>, as a centre's
    /// database has them: live events are recorded as they happen, so ids ascend with time and a contact's interactions lie
    /// among everyone else's (written contact by contact, a contact's ten interactions shared a page or two, which flattered
    /// the screen-pop and made a read by time visit the whole file). <paramref name="progress"/> hears (done, total) rows.
    /// </summary>
    public async Task<(int Contacts, int Conversations, int Interactions)> SeedAsync(Options options, IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        var random = new Random(options.Seed);
        var now = clock.GetUtcNow();
        var start = now.AddDays(-options.Days);
        var perContact = Math.Max(1.0, (double)options.Interactions / options.Contacts);
        // The whole plan first (deterministic for the seed), so that the progress line knows every row it will write.
        var people = new List<ContactRow>();
        var talks = new List<ConversationRow>();
        var planned = 0;
        for (var c = 0; c < options.Contacts && planned < options.Interactions; c++)
        {
            // Every contact gets at least one interaction (a share never eats the ones still to come: the random shares
            // used to run out before the last contacts, which were then never written); the last absorbs the remainder.
            var remainingContacts = options.Contacts - c;
            var remaining = options.Interactions - planned;
            var most = Math.Max(1, remaining - (remainingContacts - 1));
            var count = remainingContacts == 1 ? remaining : Math.Clamp((int)Math.Round(perContact * (0.3 + random.NextDouble() * 1.4)), 1, most);
            var person = Contact(c, start, random);
            var first = talks.Count;
            Conversations(people.Count, count, start, now, random, talks);
            // A new customer is recognised, and created, at their first interaction: created at the period's start, every new
            // contact fell on its first day, and a month's contacts report showed none new and one day with two thirds of them.
            if (person.Created == start) person = person with { Created = talks.Skip(first).Min(t => t.Steps[0].At) };
            people.Add(person);
            planned += count;
        }
        long done = 0, total = people.Count + talks.Count + planned;

        var contactIds = new long[people.Count];
        var batch = Math.Max(1, Math.Min(2_000, options.Contacts / 10));
        for (var from = 0; from < people.Count; from += batch)
        {
            var chunk = people.GetRange(from, Math.Min(batch, people.Count - from));
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var ids = await db.RunEachAsync(connection, tx, ContactSql,
                chunk.Select(p => new (string, object?)[] { ("name", p.Name), ("nameKey", ContactRecognizer.NameKey(p.Name)), ("at", p.Created) }).ToList(), returnsId: true, ct);
            await db.RunEachAsync(connection, tx, ContactNames.InsertWordSql,
                chunk.SelectMany((p, n) => ContactNames.Words(p.Name).Select(word => new (string, object?)[] { ("word", word), ("contactId", ids[n]) })).ToList(), returnsId: false, ct);
            await db.RunEachAsync(connection, tx, IdentifierSql,
                chunk.SelectMany((p, n) => p.Identifiers.Select(i => new (string, object?)[] { ("contactId", ids[n]), ("kind", i.Kind), ("value", i.Value), ("at", p.Created) })).ToList(),
                returnsId: false, ct);
            await tx.CommitAsync(ct);
            ids.CopyTo(contactIds, from);
            progress?.Report((done += chunk.Count, total));
        }

        // Conversations as they started; then every interaction as it happened, under its conversation.
        var ordered = talks.OrderBy(t => t.Steps[0].At).ToList();
        var conversationIds = new long[ordered.Count];
        for (var from = 0; from < ordered.Count; from += 5_000)
        {
            var chunk = ordered.GetRange(from, Math.Min(5_000, ordered.Count - from));
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var ids = await db.RunEachAsync(connection, tx, ConversationSql, chunk.Select(t => new (string, object?)[]
            {
                ("contactId", contactIds[t.Contact]), ("status", t.Ended ? "ended" : "active"), ("startedAt", t.Steps[0].At), ("endedAt", t.Ended ? t.Steps[^1].At : null),
                ("lastActivityAt", t.Steps[^1].At), ("agent", t.Agent), ("channels", "," + string.Join(",", t.Steps.Select(x => x.Channel).Distinct()) + ","),
                ("lastChannel", t.Steps[^1].Channel), ("count", (long)t.Steps.Count),
            }).ToList(), returnsId: true, ct);
            await tx.CommitAsync(ct);
            ids.CopyTo(conversationIds, from);
            progress?.Report((done += chunk.Count, total));
        }
        var steps = ordered.SelectMany((t, n) => t.Steps.Select(step => (Conversation: conversationIds[n], ContactId: contactIds[t.Contact], Step: step))).OrderBy(x => x.Step.At).ToList();
        // How long each answered inbound call rang, from a generator of its own: the rest of the data stays what the seed made it.
        var rings = new Random(options.Seed ^ 0x52494E47);
        for (var from = 0; from < steps.Count; from += 10_000)
        {
            var chunk = steps.GetRange(from, Math.Min(10_000, steps.Count - from));
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var ids = await db.RunEachAsync(connection, tx, InteractionSql, chunk.Select(x => new (string, object?)[]
            {
                ("conversationId", x.Conversation), ("contactId", x.ContactId), ("channel", x.Step.Channel), ("direction", x.Step.Direction), ("at", x.Step.At),
                ("endedAt", x.Step.EndedAt), ("duration", x.Step.Duration), ("agent", x.Step.Agent), ("status", x.Step.Status), ("subject", x.Step.Subject),
            }).ToList(), returnsId: true, ct);
            var answers = chunk.Select((x, n) => (x, Id: ids[n])).Where(a => a.x.Step is { Channel: "call", Direction: "inbound", Status: "completed" }).Select(a =>
            {
                var rang = Math.Min(Ring(rings), a.x.Step.Duration!.Value / 2);
                var data = $$"""{"interactionId":{{a.Id}},"conversationId":{{a.x.Conversation}},"contactId":{{a.x.ContactId}},"status":"in-progress","previousStatus":"ringing"}""";
                return new (string, object?)[]
                {
                    ("contactId", a.x.ContactId), ("conversationId", a.x.Conversation), ("interactionId", a.Id), ("data", data), ("at", a.x.Step.At.AddSeconds(rang)),
                };
            }).ToList();
            if (answers.Count > 0) await db.RunEachAsync(connection, tx, AnsweredSql, answers, returnsId: false, ct);
            await tx.CommitAsync(ct);
            progress?.Report((done += chunk.Count, total));
        }
        // Follow-ups from about one conversation in twelve, due one to three days later; most of those due are done, some late,
        // so the desk's task list and the follow-ups report have something to show.
        var followUps = new List<(string, object?)[]>();
        for (var n = 0; n < ordered.Count; n++)
        {
            if (random.Next(12) != 0) continue;
            var t = ordered[n];
            var created = t.Steps[^1].At.AddMinutes(random.Next(1, 10));
            if (created > now) continue;
            var due = created.AddHours(random.Next(24, 72));
            var finished = due < now && random.Next(4) != 0 || due >= now && random.Next(3) == 0;
            var completed = finished ? created.AddHours(random.Next(1, 96)) : (DateTimeOffset?)null;
            if (completed > now) completed = now.AddMinutes(-random.Next(1, 60));
            if (completed < created) completed = created;
            followUps.Add([("contactId", contactIds[t.Contact]), ("conversationId", conversationIds[n]), ("title", FollowUpTitles[random.Next(FollowUpTitles.Length)]),
                ("agent", t.Agent), ("dueAt", due), ("status", finished ? "done" : "open"), ("createdAt", created), ("completedAt", completed)]);
        }
        if (followUps.Count > 0)
        {
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await db.RunEachAsync(connection, tx, FollowUpSql, followUps, returnsId: false, ct);
            await tx.CommitAsync(ct);
        }

        if (sequencer is not null)
            while (await sequencer.SequenceOnceAsync(ct) > 0) { }

        if (db.Dialect.AfterBulkLoad is { } settle)
        {
            // As a centre's database is: its planner's statistics taken and the loaded rows vacuumed, not left for the first users to pay.
            await using var connection = await db.OpenAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(settle, commandTimeout: 3600, cancellationToken: ct));
        }
        return (people.Count, ordered.Count, steps.Count);
    }

    private static ContactRow Contact(int index, DateTimeOffset start, Random random)
    {
        var name = $"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}";
        // A third of the contacts were known before the period: they are the returning ones.
        var created = random.Next(3) == 0 ? start.AddDays(-random.Next(1, 365)) : start;
        List<(string Kind, string Value)> identifiers = [(IdentifierKind.Phone, $"+336{10_000_000 + index:D8}")];
        if (random.Next(10) < 6) identifiers.Add((IdentifierKind.Email, $"{name.Split(' ')[0].ToLowerInvariant()}.{index}@example.com"));
        if (random.Next(10) < 2) identifiers.Add((IdentifierKind.Phone, $"+3375{index % 10_000_000:D7}")); // 07 5x: a valid French mobile range
        return new ContactRow(index, name, created, identifiers);
    }

    /// <summary>Splits a contact's interactions into conversations of one to four, each starting in business hours on a random day.</summary>
    private static void Conversations(int contact, int count, DateTimeOffset start, DateTimeOffset now, Random random, List<ConversationRow> talks)
    {
        while (count > 0)
        {
            var size = Math.Min(count, random.Next(10) switch { < 5 => 1, < 8 => 2, 8 => 3, _ => 4 });
            count -= size;
            var day = DateOnly.FromDateTime(start.UtcDateTime).AddDays(random.Next(Math.Max(1, (int)(now - start).TotalDays)));
            var local = day.ToDateTime(new TimeOnly(8, 0)).AddMinutes(random.Next(12 * 60));
            var at = LocalTimes.Instant(local, Paris);
            if (at > now) at = now.AddMinutes(-random.Next(1, 600));
            var agent = Agents[random.Next(Agents.Length)];
            var steps = new List<InteractionRow>();
            for (var s = 0; s < size; s++)
            {
                var channel = Pick(random);
                var direction = s == 0 ? (random.Next(10) < 8 ? "inbound" : "outbound") : (random.Next(2) == 0 ? "inbound" : "outbound");
                var missed = channel == "call" && direction == "inbound" && random.Next(100) < 8;
                long? duration = channel == "call" && !missed ? random.Next(20, 900) : null;
                var status = channel == "call" ? (missed ? "missed" : "completed") : direction == "inbound" ? "received" : "delivered";
                steps.Add(new InteractionRow(channel, direction, at, duration is { } d ? at.AddSeconds(d) : null, duration,
                    direction == "outbound" || (channel == "call" && !missed) ? agent : null, status, channel == "email" ? "Booking question" : null));
                at = at.AddMinutes(random.Next(1, 25));
            }
            talks.Add(new ConversationRow(contact, steps, Ended: now - steps[^1].At > TimeSpan.FromHours(1), agent));
        }
    }

    /// <summary>Seconds a call rang before an agent answered: mostly within 20 s, some within a minute, a few up to four.</summary>
    private static long Ring(Random random) => random.Next(100) switch
    {
        < 65 => random.Next(3, 20),
        < 90 => random.Next(20, 60),
        _ => random.Next(60, 240),
    };

    private static string Pick(Random random)
    {
        var roll = random.Next(Mix.Sum(m => m.Weight));
        foreach (var (channel, weight) in Mix)
        {
            if (roll < weight) return channel;
            roll -= weight;
        }
        return "call";
    }
}
