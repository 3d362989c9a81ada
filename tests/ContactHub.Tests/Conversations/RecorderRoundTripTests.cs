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
        var phone = Customers.Phone();

        var first = await RoundTrips(Event(phone, "Noah Petit"));
        // Before, eleven: the reference and owner probe, the contact, the removal of the name words it could not have, each word,
        // the identifier, contact.created, the lock of the contact it had just created, the conversation, the interaction, then
        // the events. Now seven: the probe, the contact, its words, the identifier, contact.created, the ids, the rest.
        Assert.DoesNotContain(first, sent => sent.Contains("FOR UPDATE", StringComparison.Ordinal));
        Assert.DoesNotContain(first, sent => sent.Contains("DELETE FROM contact_name_words", StringComparison.Ordinal));
        Assert.Equal("INSERT INTO contact_name_words", Assert.Single(first, sent => sent.Contains("contact_name_words", StringComparison.Ordinal))[..30]);
        var written = Assert.Single(first, sent => sent.Contains("INSERT INTO conversations", StringComparison.Ordinal));
        Assert.Contains("INSERT INTO interactions", written, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO events", written, StringComparison.Ordinal);
        Assert.True(first.Count == 7, string.Join("\n---\n", first));

        // A known customer's event still locks the contact: two events of one customer group one after the other.
        var next = await RoundTrips(Event(phone, "Noah Petit"));
        Assert.Contains(next, sent => sent.Contains("FOR UPDATE", StringComparison.Ordinal));
    }

    private static NewInteraction Event(string phone, string name) => new("sms", "inbound", DateTimeOffset.UtcNow, null, null, [new Identifier(IdentifierKind.Phone, "", phone)],
        name, null, null, null, null, "Is my parcel on its way?", "twilio", "SM" + Guid.NewGuid().ToString("N"), null);

    /// <summary>The text of each command or batch the recorder sent for <paramref name="e"/>, in order.</summary>
    private async Task<List<string>> RoundTrips(NewInteraction e)
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
        var recorder = Recorder();
        await _db.InTransactionAsync((connection, tx) => recorder.RecordAsync(connection, tx, e, default));
        lock (sent) return [.. sent.Where(s => !s.StartsWith("BEGIN", StringComparison.Ordinal) && !s.StartsWith("COMMIT", StringComparison.Ordinal))];
    }

    private InteractionRecorder Recorder()
    {
        var events = new ContactHub.Events.EventLog(_db, new ContactHub.Events.EventSignals(), TimeProvider.System);
        var recognizer = new ContactRecognizer(_db, new ContactNames(_db, NullLogger<ContactNames>.Instance), events, TimeProvider.System);
        return new InteractionRecorder(_db, recognizer, events, new ContactAttributeStore(_db, events, TimeProvider.System), Options.Create(new ConversationsOptions()),
            TimeProvider.System, NullLogger<InteractionRecorder>.Instance);
    }
}
