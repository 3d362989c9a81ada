using System.Diagnostics;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ContactHub.Tests.Conversations;

/// <summary>
/// What an event costs PostgreSQL in round trips, read from Npgsql's own tracing (one activity a command or batch sent): each one
/// is a wait for the service and a protocol exchange for the server.
/// </summary>
public sealed class RecorderRoundTripTests : IAsyncLifetime
{
    private readonly TestEngine _engine = TestEngine.For(DatabaseProvider.Postgres);
    private string? _connectionString;
    private Db _db = null!;

    public async Task InitializeAsync()
    {
        if (_engine.SkipReason is not null) return;
        _connectionString = await _engine.CreateDatabaseAsync($"chtrips_{Guid.NewGuid():N}"[..24]);
        _db = new Db(DatabaseProvider.Postgres, _connectionString, Path.GetTempPath());
        await new Migrator(_db, NullLogger<Migrator>.Instance).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_connectionString is null) return;
        await _db.DisposeAsync();
        await _engine.DropDatabaseAsync(_connectionString);
    }

    [SkippableFact]
    public async Task A_new_customers_event_locks_nothing_and_writes_its_conversation_with_its_interaction_and_events()
    {
        Skip.If(_engine.SkipReason is not null, _engine.SkipReason);
        var (_, sent) = await Record(Event(Customers.Phone(), DateTimeOffset.UtcNow, "Noah Petit"));
        // Before, eleven: the reference and owner probe, the contact, the removal of the name words it could not have, each word,
        // the identifier, contact.created, the lock of the contact it had just created, the conversation, the interaction, then
        // the events. Now seven: the probe, the contact, its words, the identifier, contact.created, the ids, the rest.
        Assert.DoesNotContain(sent, text => text.Contains("FOR UPDATE", StringComparison.Ordinal));
        Assert.DoesNotContain(sent, text => text.Contains("DELETE FROM contact_name_words", StringComparison.Ordinal));
        Assert.StartsWith("INSERT INTO contact_name_words", Assert.Single(sent, text => text.Contains("contact_name_words", StringComparison.Ordinal)));
        AssertWrittenTogether(sent, "INSERT INTO conversations", "INSERT INTO interactions", "INSERT INTO events");
        Assert.True(sent.Count == 7, string.Join("\n---\n", sent));
    }

    [SkippableFact]
    public async Task A_known_customers_event_takes_three_round_trips_whether_it_joins_a_conversation_or_starts_one()
    {
        Skip.If(_engine.SkipReason is not null, _engine.SkipReason);
        var (phone, at) = (Customers.Phone(), DateTimeOffset.UtcNow);
        var (first, _) = await Record(Event(phone, at));

        // A minute later (without a name, which a known contact may need filled in: a round trip more): it joins the conversation. The reference and owners; the contact's lock, its active conversation and
        // the interaction's id; the interaction, the touch and the event.
        var (joined, sent) = await Record(Event(phone, at.AddMinutes(1)));
        Assert.Equal(first.ConversationId, joined.ConversationId);
        Assert.Contains("FOR UPDATE", sent[1], StringComparison.Ordinal);
        AssertWrittenTogether(sent, "INSERT INTO interactions", "UPDATE conversations", "INSERT INTO events");
        Assert.DoesNotContain(sent, text => text.Contains("INSERT INTO conversations", StringComparison.Ordinal));
        Assert.True(sent.Count == 3, string.Join("\n---\n", sent));

        // Two hours later: it starts one, whose id was taken with the lock (before, a round trip of its own for its insert), and
        // the event that joined took none: the next conversation's id follows the first's.
        var (started, again) = await Record(Event(phone, at.AddHours(2)));
        Assert.Equal(first.ConversationId + 1, started.ConversationId);
        AssertWrittenTogether(again, "INSERT INTO conversations", "INSERT INTO interactions", "INSERT INTO events");
        Assert.True(again.Count == 3, string.Join("\n---\n", again));
    }

    [SkippableFact]
    public async Task An_event_with_a_name_asks_to_fill_it_in_only_for_a_contact_without_one()
    {
        Skip.If(_engine.SkipReason is not null, _engine.SkipReason);
        var (named, unnamed, at) = (Customers.Phone(), Customers.Phone(), DateTimeOffset.UtcNow);
        await Record(Event(named, at, "Noah Petit"));
        await Record(Event(unnamed, at));

        // WhatsApp gives the sender's profile name with every message: before, each one asked to fill in a name the contact had.
        var (_, sent) = await Record(Event(named, at.AddMinutes(1), "Noah P."));
        Assert.DoesNotContain(sent, text => text.Contains("UPDATE contacts", StringComparison.Ordinal));
        Assert.True(sent.Count == 3, string.Join("\n---\n", sent));

        var (filled, again) = await Record(Event(unnamed, at.AddMinutes(1), "Léa Martin"));
        Assert.Contains(again, text => text.Contains("UPDATE contacts", StringComparison.Ordinal));
        await using var connection = await _db.OpenAsync();
        Assert.Equal("Léa Martin", await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT display_name FROM contacts WHERE id = @id", new { id = filled.ContactId }));
    }

    [SkippableFact]
    public async Task Known_customers_events_of_one_group_take_three_round_trips_together_and_the_others_are_left_to_run_alone()
    {
        Skip.If(_engine.SkipReason is not null, _engine.SkipReason);
        var at = DateTimeOffset.UtcNow;
        var (active, ended, unnamed, repeated) = (Customers.Phone(), Customers.Phone(), Customers.Phone(), Customers.Phone());
        var (joined, _) = await Record(Event(active, at.AddMinutes(-5)));
        var (past, _) = await Record(Event(ended, at.AddHours(-3)));
        await Record(Event(unnamed, at.AddMinutes(-5)));
        var again = Event(repeated, at.AddMinutes(-5));
        await Record(again);
        var recorder = Recorder();
        NewInteraction[] group =
        [
            Event(active, at) with { Channel = "whatsapp" }, // joins its active conversation
            Event(Customers.Phone(), at, "Noah Petit"),      // a new customer: created with its event
            Event(ended, at),                                // starts a conversation: the last one ended hours ago
            Event(active, at.AddSeconds(1)),                 // the same customer's second event: after the first, alone
            again with { Status = "delivered" },             // a repeat: alone
            Event(unnamed, at, "Léa Martin"),                // a name to fill in: alone
        ];

        var (results, sent) = await Sent(async (connection, tx) =>
        {
            var together = await recorder.RecordTogetherAsync(connection, tx, group);
            Assert.Equal([true, true, true, false, false, false], together.Select(result => result is not null));
            var all = new RecordResult[group.Length];
            for (var n = 0; n < group.Length; n++) all[n] = together[n] ?? await recorder.RecordAsync(connection, tx, group[n], default);
            return all;
        }, until: "INSERT INTO interactions");

        // The references and owners of the five first of their customers; the new customer's ids with the two known customers'
        // lock (one statement, in their ids' order), conversations and ids; the new contact, its identifier and name, the interactions, the
        // touch, the new conversations and the events.
        Assert.True(sent.Count == 3, string.Join("\n---\n", sent));
        Assert.Equal(1, sent[1].Split("FOR UPDATE").Length - 1); // the two known customers locked by one statement, in their ids' order
        Assert.Contains("ORDER BY id FOR UPDATE", sent[1], StringComparison.Ordinal);
        AssertWrittenTogether(sent, "INSERT INTO conversations", "INSERT INTO contacts", "INSERT INTO contact_identifiers", "INSERT INTO contact_name_words",
            "INSERT INTO interactions", "UPDATE conversations", "INSERT INTO events");
        // Each table's rows go as one statement, cut in powers of two: three interactions as 2 + 1, two conversations, six
        // events (contact.created, two conversation.started, three interaction.recorded) as 4 + 2.
        var writes = sent[2];
        Assert.Equal([2, 1, 2], new[] { "INSERT INTO interactions", "INSERT INTO conversations", "INSERT INTO events" }
            .Select(statement => writes.Split(statement).Length - 1));
        Assert.Contains("@type_r3", writes, StringComparison.Ordinal);
        Assert.Equal(joined.ConversationId, results[0].ConversationId);
        Assert.False(results[0].ConversationCreated);
        Assert.NotEqual(past.ConversationId, results[2].ConversationId);
        Assert.True(results[2].ConversationCreated);
        Assert.True(results[1].ContactCreated);
        Assert.True(results[1].ConversationCreated);
        Assert.Equal(results[0].ConversationId, results[3].ConversationId);
        Assert.True(results[4].Repeated);
        await using var connection = await _db.OpenAsync();
        Assert.Equal("Léa Martin", await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT display_name FROM contacts WHERE id = @id", new { id = results[5].ContactId }));
        var conversation = await Dapper.SqlMapper.QuerySingleAsync<(long Count, string Channels, string Status)>(connection,
            "SELECT interaction_count, channels, status FROM conversations WHERE id = @id", new { id = joined.ConversationId });
        Assert.Equal((3L, ",sms,whatsapp,", "active"), conversation);
        Assert.Equal(4 + 5, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM interactions"));
        Assert.Equal(3, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection,
            "SELECT COUNT(*) FROM events WHERE type = 'interaction.recorded' AND interaction_id IN (@a, @b, @c)",
            new { a = results[0].InteractionId, b = results[1].InteractionId, c = results[2].InteractionId }));
        // The new customer as recognising its event alone writes one: its name, found by a word of it; its phone; contact.created.
        var created = await Dapper.SqlMapper.QuerySingleAsync<(string Name, string Phone, long Words, string Payload)>(connection, """
            SELECT c.display_name, ci.value, (SELECT COUNT(*) FROM contact_name_words w WHERE w.contact_id = c.id AND w.word = 'petit'),
                (SELECT e.data FROM events e WHERE e.type = 'contact.created' AND e.contact_id = c.id)
            FROM contacts c JOIN contact_identifiers ci ON ci.contact_id = c.id WHERE c.id = @id
            """, new { id = results[1].ContactId });
        Assert.Equal(("Noah Petit", group[1].Identifiers[0].Value, 1L), (created.Name, created.Phone, created.Words));
        Assert.Contains(group[1].Identifiers[0].Value, created.Payload, StringComparison.Ordinal);
    }

    private static void AssertWrittenTogether(List<string> sent, params string[] statements)
    {
        var batch = Assert.Single(sent, text => text.Contains(statements[0], StringComparison.Ordinal));
        foreach (var statement in statements) Assert.Contains(statement, batch, StringComparison.Ordinal);
    }

    private static NewInteraction Event(string phone, DateTimeOffset at, string? name = null) => new("sms", "inbound", at, null, null,
        [new Identifier(IdentifierKind.Phone, "", phone)], name, null, null, null, null, "Is my parcel on its way?", "twilio", "SM" + Guid.NewGuid().ToString("N"), null);

    /// <summary>Records <paramref name="e"/> in a transaction of its own; with the text of each command or batch the recorder sent, in order.</summary>
    private Task<(RecordResult Result, List<string> Sent)> Record(NewInteraction e)
    {
        var recorder = Recorder();
        return Sent((connection, tx) => recorder.RecordAsync(connection, tx, e, default));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own; with the text of each command or batch it sent, in order — up to the
    /// first that contains <paramref name="until"/>, when given.
    /// </summary>
    private async Task<(T Result, List<string> Sent)> Sent<T>(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<T>> work, string? until = null)
    {
        var sent = new List<string>();
        using var parent = new System.Diagnostics.Activity("record").Start();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId != parent.TraceId) return;
                lock (sent) sent.Add((activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement"))?.ToString() ?? activity.DisplayName);
            },
        };
        ActivitySource.AddActivityListener(listener);
        var result = await _db.InTransactionAsync(work);
        lock (sent)
        {
            var texts = sent.Where(s => !s.StartsWith("BEGIN", StringComparison.Ordinal) && !s.StartsWith("COMMIT", StringComparison.Ordinal)).ToList();
            var last = until is null ? texts.Count - 1 : texts.FindIndex(text => text.Contains(until, StringComparison.Ordinal));
            return (result, texts[..(last + 1)]);
        }
    }

    private InteractionRecorder Recorder()
    {
        var events = new ContactHub.Events.EventLog(_db, new ContactHub.Events.EventSignals(), TimeProvider.System);
        var recognizer = new ContactRecognizer(_db, new ContactNames(_db, NullLogger<ContactNames>.Instance), events, TimeProvider.System);
        return new InteractionRecorder(_db, recognizer, events, new ContactAttributeStore(_db, events, TimeProvider.System), Options.Create(new ConversationsOptions()),
            TimeProvider.System, NullLogger<InteractionRecorder>.Instance);
    }
}
