using System.Data.Common;
using ContactHub.Contacts;
using ContactHub.Events;
using Microsoft.Extensions.Options;

namespace ContactHub.Conversations;

/// <summary>
/// Records many interactions in one transaction for the import, with the rules of <see cref="InteractionRecorder"/>
/// but without asking the database again what it already told this batch: each identifier's contact and each
/// contact's active conversation are looked up once and then followed in memory, and each conversation touched is
/// updated once at the end. Anything off the common path — a repeat, an identifier not seen yet, several contacts
/// matching — goes through the recorder and the recogniser themselves, so that the rules live in one place.
/// </summary>
public sealed class BulkRecorder(InteractionRecorder recorder, ContactRecognizer recognizer, EventLog events, ContactAttributeStore attributes, IOptions<ConversationsOptions> options, TimeProvider clock)
{
    public sealed record Counts(long Recorded, long Repeated);

    /// <summary>A conversation as this batch leaves it, written back once.</summary>
    private sealed class Touched(long id, DateTimeOffset lastActivityAt, string channels, string? agent)
    {
        public long Id { get; } = id;
        public DateTimeOffset LastActivityAt { get; set; } = lastActivityAt;
        public string Channels { get; set; } = channels;
        public string? LastChannel { get; set; }
        public string? Agent { get; set; } = agent; // the first agent named in the batch; the stored one wins (COALESCE)
        public int Added { get; set; }
        public bool Reopen { get; set; }
        public bool Ended { get; init; }
    }

    /// <param name="batch">Interactions without an explicit conversation (the import's rows).</param>
    public async Task<Counts> RecordAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewInteraction> batch, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var contactOf = new Dictionary<Identifier, long?>();
        var named = new HashSet<long>();
        var active = new Dictionary<long, Touched?>();
        var touched = new List<Touched>();
        long recorded = 0, repeated = 0;

        foreach (var i in batch)
        {
            ct.ThrowIfCancellationRequested();
            if (i.ConversationId is not null) throw new ArgumentException("The bulk path groups by contact; an event for an explicit conversation goes through InteractionRecorder.");
            if (i.ProviderRef is not null && await recorder.FindByRefAsync(connection, transaction, i.Provider, i.ProviderRef, ct) is not null)
            {
                // A repeat: the recorder's own path, which updates that interaction (and its conversation's activity, in the database).
                var again = await recorder.RecordAsync(connection, transaction, i, ct);
                if (touched.FirstOrDefault(t => t.Id == again.ConversationId) is { } held && i.LastsUntil > held.LastActivityAt)
                    held.LastActivityAt = i.LastsUntil; // this batch writes that conversation back last: keep the extension
                repeated++;
                continue;
            }

            // Recognition: every identifier known and all of one contact is the common case; anything else is the recogniser's.
            long? single = null;
            var simple = true;
            foreach (var identifier in i.Identifiers)
            {
                if (!contactOf.TryGetValue(identifier, out var owner))
                    contactOf[identifier] = owner = await recognizer.OwnerAsync(connection, transaction, identifier, ct);
                if (owner is null || (single is not null && single != owner)) simple = false;
                single ??= owner;
            }
            long contactId;
            if (simple && single is { } known)
            {
                contactId = known;
                if (i.CustomerName is not null && named.Add(contactId))
                    await recognizer.FillNameAsync(connection, transaction, contactId, i.CustomerName, ct);
            }
            else
            {
                var recognized = await recognizer.RecognizeAsync(connection, transaction, i.Identifiers, i.CustomerName, null, ct);
                contactId = recognized.ContactId;
                foreach (var identifier in i.Identifiers)
                    if (contactOf[identifier] is null) contactOf[identifier] = contactId;
                if (recognized.Created) active[contactId] = null;
            }

            if (i.Attributes is { Count: > 0 }) await attributes.SetAsync(connection, transaction, contactId, i.Attributes, ct);

            // Grouping, as the recorder's rule: the contact's latest active conversation (for an event that is history, its latest
            // conversation) within the inactivity timeout, else a new one.
            var history = recorder.IsHistory(i, now);
            if (!active.TryGetValue(contactId, out var conversation) || (conversation is { Ended: true } && !history))
            {
                var open = await recorder.ActiveConversationAsync(connection, transaction, contactId, history, ct);
                conversation = open is null ? null
                    : touched.FirstOrDefault(t => t.Id == open.Id) ?? new Touched(open.Id, open.LastActivityAt, open.Channels, null) { Ended = open.Ended };
                active[contactId] = conversation;
            }
            if (conversation is null || !options.Value.Continues(conversation.LastActivityAt, i.OccurredAt))
            {
                var started = new Touched(await recorder.StartConversationAsync(connection, transaction, contactId, i, history, withInteraction: false, ct), i.LastsUntil, "", i.Agent) { Ended = history };
                await events.AppendAsync(connection, transaction, InteractionRecorder.Started(started.Id, contactId, i, history), ct);
                // The contact's next event joins whichever conversation has the latest activity, as the recorder's query does.
                if (conversation is null || started.LastActivityAt > conversation.LastActivityAt) active[contactId] = started;
                conversation = started;
            }
            if (conversation.Added == 0) touched.Add(conversation);

            var interactionId = await recorder.InsertAsync(connection, transaction, conversation.Id, contactId, i, now, ct);
            await events.AppendAsync(connection, transaction, InteractionRecorder.Recorded(interactionId, conversation.Id, contactId, i), ct);
            recorded++;

            if (i.LastsUntil > conversation.LastActivityAt) conversation.LastActivityAt = i.LastsUntil;
            conversation.Channels = ConversationRow.AddChannel(conversation.Channels, i.Channel);
            conversation.LastChannel = i.Channel;
            conversation.Agent ??= i.Agent;
            conversation.Added++;
            conversation.Reopen |= i.Direction == "inbound" && !history;
        }

        foreach (var c in touched)
            await recorder.TouchAsync(connection, transaction, c.Id, c.LastActivityAt, c.Channels, c.LastChannel, c.Agent, c.Added, c.Reopen, ct);
        return new Counts(recorded, repeated);
    }
}
