using System.Data.Common;
using ContactHub.Contacts;
using ContactHub.Data;
using ContactHub.Events;
using ContactHub.Hosting;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContactHub.Conversations;

public sealed record RecordResult(long InteractionId, long ContactId, long ConversationId, bool ContactCreated, bool ConversationCreated, bool Repeated);

/// <summary>
/// Records one interaction in one transaction: idempotency on (provider, providerRef), recognition
/// of the contact, then grouping into the explicit, the active, or a new conversation (DESIGN §5).
/// </summary>
public sealed class InteractionRecorder(Db db, ContactRecognizer recognizer, EventLog events, ContactAttributeStore attributes, IOptions<ConversationsOptions> options,
    TimeProvider clock, ILogger<InteractionRecorder> logger)
{
    internal sealed record Existing(long Id, long ContactId, long ConversationId, string? Status);

    /// <summary>What grouping needs of a conversation: where it stands in time and the channels it used.</summary>
    internal sealed record OpenConversation(long Id, DateTimeOffset LastActivityAt, string Channels, bool Ended = false);

    private const string FindByRefSql = """
        SELECT id, contact_id, conversation_id, status FROM interactions WHERE provider = @provider AND provider_ref = @providerRef
        """;

    private const string UpdateByRefSql = """
        UPDATE interactions SET
            status = COALESCE(@status, status),
            ended_at = COALESCE(@endedAt, ended_at),
            duration_seconds = COALESCE(@durationSeconds, duration_seconds),
            agent = COALESCE(agent, @agent),
            metadata = COALESCE(@metadata, metadata),
            error = COALESCE(@error, error),
            updated_at = @now
        WHERE id = @id
        """;

    private const string ConversationSql = ConversationStore.Columns + """
        WHERE cv.id = @id
        """;

    // The conversation a new event may join: the contact's active one with the latest activity; for an event that is history
    // (@history = 1), the one with the latest activity whatever its status, so that past events recorded today group as they happened.
    private const string ActiveConversationSql = """
        SELECT id, last_activity_at, channels, status FROM conversations
        WHERE contact_id = @contactId AND (status = 'active' OR @history = 1)
        ORDER BY last_activity_at DESC {LIMIT:1}
        """;

    // The agent a status callback names (the one who answered a call) becomes its conversation's, unless it has one.
    private const string ConversationAgentSql = "UPDATE conversations SET agent = @agent WHERE id = @id AND agent IS NULL";

    // A call's end (a later status callback with its duration) is the conversation's latest activity too; an ended conversation ends then.
    private const string ExtendConversationSql = """
        UPDATE conversations SET
            last_activity_at = CASE WHEN last_activity_at < @until THEN @until ELSE last_activity_at END,
            ended_at = CASE WHEN status = 'ended' AND ended_at < @until THEN @until ELSE ended_at END
        WHERE id = @id
        """;

    // Serialises grouping per contact on the server engines: two simultaneous first events make one conversation. A locking read,
    // not a no-op UPDATE: on PostgreSQL that wrote a new version of the contact's row (and its index entries) for every event.
    private const string LockContactSql = "SELECT id FROM contacts {LOCK} WHERE id = @contactId {FOR_UPDATE}";

    // A group's known contacts locked by one statement (PostgreSQL), in id order: two lanes' groups never wait on each other's.
    private const string LockContactsSql = "SELECT id FROM contacts {LOCK} WHERE id {IN:@contactIds} ORDER BY id {FOR_UPDATE}";

    // The lock and the contact's active conversation in one round trip, the lock first (an event for a known contact on the server engines).
    private const string LockContactActiveConversationSql = LockContactSql + ";\n" + ActiveConversationSql;

    // Where the engine takes ids ahead (PostgreSQL): the lock, then in one statement the active conversation (none: a row of nulls)
    // with the new interaction's id, and the new conversation's unless that conversation is continued (last active from @continuedFrom
    // to @continuedTo, as ConversationsOptions.Continues decides; an id taken for nothing would leave a gap): their inserts then go
    // with the touch and the events, one round trip for all. The read stays a statement after the lock's, so that it sees what a
    // transaction the lock waited for wrote.
    private const string LockContactActiveConversationTakingIdsSql = LockContactSql + ";\n" + ActiveConversationTakingIdsSql;

    private const string ActiveConversationTakingIdsSql = """
        SELECT active.id, active.last_activity_at, active.channels, active.status, {NEXT_VALUE:interactions},
            CASE WHEN active.last_activity_at BETWEEN @continuedFrom AND @continuedTo THEN NULL ELSE {NEXT_VALUE:conversations} END
        FROM (SELECT 1 AS one) one LEFT JOIN (
        """ + ActiveConversationSql + """

        ) active ON 1 = 1
        """;

    // The ids of an event whose contact the transaction created (PostgreSQL): it starts a conversation, so both are used.
    private const string TakeIdsSql = "SELECT {NEXT_VALUE:interactions}, {NEXT_VALUE:conversations}";

    private const string ConversationColumns = "contact_id, status, started_at, last_activity_at, ended_at, agent, subject, channels, last_channel, interaction_count";

    private const string ConversationValues = "@contactId, @status, @occurredAt, @lastActivityAt, @endedAt, @agent, @subject, @channels, @lastChannel, @count";

    // A conversation the recorder starts holds its first interaction from the start (no touch after: on PostgreSQL that UPDATE
    // wrote a second version of the row and of its five index entries); the import's are counted when its batch touches them.
    internal const string InsertConversationSql =
        "INSERT INTO conversations (" + ConversationColumns + ") {OUTPUT_ID}\nVALUES (" + ConversationValues + ") {RETURNING_ID}";

    // The same insert with an id taken ahead (PostgreSQL).
    private const string InsertConversationWithIdSql =
        "INSERT INTO conversations (id, " + ConversationColumns + ")\nVALUES (@id, " + ConversationValues + ")";

    private const string InteractionColumns = """
        conversation_id, contact_id, channel, direction, occurred_at, ended_at, duration_seconds, agent, status,
            subject, body, provider, provider_ref, campaign_id, metadata, created_at, updated_at
        """;

    private const string InteractionValues = """
        @conversationId, @contactId, @channel, @direction, @occurredAt, @endedAt, @durationSeconds, @agent, @status,
            @subject, @body, @provider, @providerRef, @campaignId, @metadata, @now, @now
        """;

    internal const string InsertInteractionSql =
        "INSERT INTO interactions (" + InteractionColumns + ") {OUTPUT_ID}\nVALUES (" + InteractionValues + ") {RETURNING_ID}";

    // The same insert with an id taken ahead ({NEXT_VALUE:interactions}, PostgreSQL).
    private const string InsertInteractionWithIdSql =
        "INSERT INTO interactions (id, " + InteractionColumns + ")\nVALUES (@id, " + InteractionValues + ")";

    // The touch of a conversation this transaction read as active, on an engine whose writers take turns (SQLite: what the
    // transaction read still holds when it writes), so it stays active: it assigns neither status nor ended_at. SQLite rewrites
    // the entry of every index holding a column an UPDATE assigns, even to the value it had; with status assigned, each event
    // rewrote its conversation's entry in the contact's index, (contact_id, status) since sql/sqlite/0025.
    internal const string TouchActiveConversationSql = """
        UPDATE conversations SET
            last_activity_at = @lastActivityAt, channels = @channels,
            last_channel = @channel, interaction_count = interaction_count + @added, agent = COALESCE(agent, @agent)
        WHERE id = @id
        """;

    internal const string TouchConversationSql = """
        UPDATE conversations SET
            status = CASE WHEN @reopen = 1 THEN 'active' ELSE status END,
            ended_at = CASE WHEN @reopen = 1 THEN NULL WHEN status = 'ended' AND ended_at < @lastActivityAt THEN @lastActivityAt ELSE ended_at END,
            last_activity_at = @lastActivityAt, channels = @channels,
            last_channel = @channel, interaction_count = interaction_count + @added, agent = COALESCE(agent, @agent)
        WHERE id = @id
        """;

    /// <summary>What a delivery callback found: no interaction by that reference, its status moved on, or the status it had already.</summary>
    public enum StatusUpdate { Unknown, Changed, Same }

    /// <summary>
    /// A delivery callback: moves the interaction's status on (never back) and keeps the provider's error; an agent named here
    /// fills in one the interaction, and its conversation, have not.
    /// </summary>
    public Task<StatusUpdate> UpdateStatusAsync(string provider, string providerRef, string status, string? error, string? agent = null, CancellationToken ct = default) =>
        db.InSharedTransactionAsync(key: providerRef, ct: ct, work: async (connection, transaction) =>
        {
            if (await FindByRefAsync(connection, transaction, provider, providerRef, ct) is not { } existing) return StatusUpdate.Unknown;
            var next = InteractionStatus.Next(existing.Status, status);
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateByRefSql), new
            {
                id = existing.Id, status = next, endedAt = (DateTimeOffset?)null, durationSeconds = (long?)null,
                agent, metadata = (string?)null, error, now = clock.GetUtcNow(),
            }, transaction, cancellationToken: ct));
            if (agent is not null)
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(ConversationAgentSql), new { id = existing.ConversationId, agent }, transaction, cancellationToken: ct));
            await StatusChangedAsync(connection, transaction, existing, next, error, ct);
            return next is null || next == existing.Status ? StatusUpdate.Same : StatusUpdate.Changed;
        });

    /// <summary>
    /// Records in a transaction shared with concurrent callers (group commit), or in its own where the engine has none. A customer's
    /// events go one after another (<see cref="CustomerKey"/>): on the server engines two lanes never lock one contact at once.
    /// </summary>
    public Task<RecordResult> RecordAsync(NewInteraction interaction, CancellationToken ct = default) =>
        db.InSharedTransactionAsync(interaction, (connection, transaction, i) => RecordAsync(connection, transaction, i, ct),
            db.Dialect.TakesIdsAhead ? _together ??= RecordTogetherAsync : null, ct, CustomerKey(interaction));

    private GroupCommit.Together<NewInteraction, RecordResult>? _together;

    /// <summary>
    /// Who an event is from, as far as it tells before recognition: its phone (calls, texts and chats of one customer share it), else
    /// its first identifier, else its conversation.
    /// </summary>
    internal static string? CustomerKey(NewInteraction i) =>
        (i.Identifiers.FirstOrDefault(id => id.Kind == IdentifierKind.Phone) ?? i.Identifiers.FirstOrDefault())?.Value
        ?? i.ConversationId?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Records several events in order, each on its own: one refused (an unknown conversation, say) does not stop the others.
    /// With one writer (SQLite) they are queued together and share group commits; elsewhere, where writers run side by side, each
    /// waits for the one before it, so that they are recorded in their order.
    /// </summary>
    public async Task<IReadOnlyList<(RecordResult? Result, DomainException? Refused)>> RecordEachAsync(IReadOnlyList<NewInteraction> interactions, CancellationToken ct = default)
    {
        var queued = db.Group.KeepsOrder ? interactions.Select(i => RecordAsync(i, ct)).ToList() : null;
        var results = new List<(RecordResult?, DomainException?)>(interactions.Count);
        for (var n = 0; n < interactions.Count; n++)
        {
            try { results.Add((await (queued?[n] ?? RecordAsync(interactions[n], ct)), null)); }
            catch (DomainException refused) { results.Add((null, refused)); }
        }
        return results;
    }

    public async Task<RecordResult> RecordAsync(DbConnection connection, DbTransaction transaction, NewInteraction i, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (existing, owners) = i.ProviderRef is null ? (null, null)
            : connection.CanCreateBatch ? await ProbeAsync(connection, transaction, i, ct)
            : (await FindByRefAsync(connection, transaction, i.Provider, i.ProviderRef, ct), null);
        if (existing is not null)
        {
            var next = InteractionStatus.Next(existing.Status, i.Status);
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateByRefSql),
                new
                {
                    id = existing.Id, status = next, endedAt = i.EndedAt, durationSeconds = i.DurationSeconds,
                    agent = i.Agent, metadata = i.Metadata, error = (string?)null, now,
                }, transaction, cancellationToken: ct));
            await StatusChangedAsync(connection, transaction, existing, next, null, ct);
            if (i.LastsUntil > i.OccurredAt)
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(ExtendConversationSql), new { id = existing.ConversationId, until = i.LastsUntil }, transaction, cancellationToken: ct));
            return new RecordResult(existing.Id, existing.ContactId, existing.ConversationId, false, false, Repeated: true);
        }

        OpenConversation? conversation = null;
        long? explicitContact = null;
        if (i.ConversationId is { } explicitId)
        {
            var row = await connection.QuerySingleOrDefaultAsync<ConversationRow>(new CommandDefinition(db.Sql(ConversationSql), new { id = explicitId }, transaction, cancellationToken: ct))
                ?? throw new DomainException(404, "Conversation not found", $"conversationId {explicitId} does not exist.");
            conversation = new OpenConversation(row.Id, row.LastActivityAt, row.Channels, row.Status == "ended");
            explicitContact = row.ContactId;
        }

        var recognized = await recognizer.RecognizeAsync(connection, transaction, i.Identifiers, i.CustomerName, explicitContact, ct, owners);
        var contactId = recognized.ContactId;
        if (i.Attributes is { Count: > 0 }) await attributes.SetAsync(connection, transaction, contactId, i.Attributes, ct);
        var history = IsHistory(i, now);
        var mayJoin = conversation is null && !recognized.Created;
        OpenConversation? active = null;
        long? takenId = null, takenConversationId = null;
        if (!db.Dialect.SerializesWriters && mayJoin)
        {
            // Where the engine takes ids ahead, the lock's round trip takes them too (third result).
            var takesIds = db.Dialect.TakesIdsAhead;
            var (from, to) = options.Value.ContinuedBetween(i.OccurredAt);
            var command = takesIds
                ? db.Prepared(connection, transaction, LockContactActiveConversationTakingIdsSql, ("contactId", contactId), ("history", history ? 1 : 0),
                    ("continuedFrom", from), ("continuedTo", to))
                : db.Prepared(connection, transaction, LockContactActiveConversationSql, ("contactId", contactId), ("history", history ? 1 : 0));
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct); // past the locked contact's row
            if (takesIds)
            {
                long taken;
                (active, taken, takenConversationId) = await ReadActiveTakingIdsAsync(reader, ct);
                takenId = taken;
            }
            else active = await ReadOpenConversationAsync(reader, ct);
        }
        else if (!db.Dialect.SerializesWriters && recognized.Created)
        {
            // A contact this transaction created is seen by no other until it commits: there is nothing to lock, and no conversation
            // to join. Where the engine takes ids ahead, the conversation and the interaction go with the events.
            if (db.Dialect.TakesIdsAhead)
            {
                await using var reader = await db.Prepared(connection, transaction, TakeIdsSql).ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                (takenId, takenConversationId) = (reader.GetInt64(0), reader.GetInt64(1));
            }
        }
        else if (!db.Dialect.SerializesWriters)
            await db.Prepared(connection, transaction, LockContactSql, ("contactId", contactId)).ExecuteScalarAsync(ct);
        else if (mayJoin)
            active = await ActiveConversationAsync(connection, transaction, contactId, history, ct);
        if (active is not null && options.Value.Continues(active.LastActivityAt, i.OccurredAt)) conversation = active;

        // What is written after goes together (one round trip on the server engines): the conversation and the interaction if their
        // ids were taken ahead, the conversation's touch and the events.
        var rest = new List<(string, (string, object?)[])>(5);
        var result = await ComposeAsync(connection, transaction, rest, i, now, contactId, recognized.Created, history, conversation, takenId, takenConversationId, ct);
        await db.RunTogetherAsync(connection, transaction, rest, ct);
        events.Appended();
        ConversationsLog.Recorded(logger, result.InteractionId, i.Channel, i.Direction, contactId, result.ConversationId);
        return result;
    }

    /// <summary>
    /// An event's writes once its contact and the conversation it joins (if any) are known, added to <paramref name="rest"/>: the
    /// conversation it starts and the interaction where their ids were taken ahead (else inserted here for their ids), the touch of
    /// the conversation it joins, and the events.
    /// </summary>
    private async Task<RecordResult> ComposeAsync(DbConnection connection, DbTransaction transaction, List<(string, (string, object?)[])> rest, NewInteraction i,
        DateTimeOffset now, long contactId, bool contactCreated, bool history, OpenConversation? conversation, long? takenId, long? takenConversationId, CancellationToken ct)
    {
        var conversationCreated = conversation is null;
        long conversationId;
        if (conversation is not null) conversationId = conversation.Id;
        else if (takenConversationId is { } ahead)
        {
            conversationId = ahead;
            rest.Add((InsertConversationWithIdSql, [("id", conversationId), .. StartParameters(contactId, i, history, withInteraction: true)]));
        }
        else conversationId = await StartConversationAsync(connection, transaction, contactId, i, history, withInteraction: true, ct);
        var interactionId = takenId ?? await InsertAsync(connection, transaction, conversationId, contactId, i, now, ct);
        if (takenId is not null) rest.Add((InsertInteractionWithIdSql, [("id", interactionId), .. InsertParameters(conversationId, contactId, i, now)]));
        if (conversation is not null)
        {
            // An answer filed in an ended conversation leaves its times (and so its handling time) as they were.
            var lastActivity = i.LastsUntil > conversation.LastActivityAt && !i.KeepsConversationEnded ? i.LastsUntil : conversation.LastActivityAt;
            // The customer writing into an ended conversation resumes it (our own summary sent after the end does not), unless what
            // they wrote is history: an event older than the inactivity window does not bring a conversation back to life.
            rest.Add(Touch(!conversation.Ended, conversationId, lastActivity, ConversationRow.AddChannel(conversation.Channels, i.Channel), i.Channel, i.Agent,
                added: 1, reopen: i.Direction == "inbound" && !history && !i.KeepsConversationEnded));
        }
        var recorded = Recorded(interactionId, conversationId, contactId, i);
        rest.AddRange(conversationCreated ? events.Statements(Started(conversationId, contactId, i, history), recorded) : events.Statements(recorded));
        return new RecordResult(interactionId, contactId, conversationId, contactCreated, conversationCreated, Repeated: false);
    }

    /// <summary>
    /// The events of one group commit recorded together (PostgreSQL): the references and identifiers of all of them in one round
    /// trip; the ids of the new customers' contacts, identifiers, conversations and interactions, with the known customers'
    /// contacts locked in id order and their active conversations and ids, in a second; all their writes in a third — where a
    /// known customer's event alone takes three round trips and a new customer's seven. An event whose recording is not the
    /// common case (a repeat, a reference or customer an earlier event of the group has too, an explicit conversation,
    /// attributes, a contact to complete: a name to fill in, an identifier to add, several contacts matched) is left to run
    /// alone after, as <see cref="RecordAsync(DbConnection, DbTransaction, NewInteraction, CancellationToken)"/>; so is any
    /// event after one of its customer's left so.
    /// </summary>
    internal async Task<RecordResult?[]> RecordTogetherAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewInteraction> items)
    {
        var ct = CancellationToken.None;
        var now = clock.GetUtcNow();
        var results = new RecordResult?[items.Count];
        var customers = new HashSet<string>();
        var references = new HashSet<(string?, string)>();
        var probes = new List<(int Index, Probe Probe)>(items.Count);
        for (var n = 0; n < items.Count; n++)
        {
            var i = items[n];
            var firstOfCustomer = CustomerKey(i) is { } key && customers.Add(key);
            var firstOfReference = i.ProviderRef is not { } reference || references.Add((i.Provider, reference));
            if (firstOfCustomer && firstOfReference && i.ConversationId is null && i.Attributes is not { Count: > 0 } && i.Identifiers.Count > 0)
                probes.Add((n, new Probe(i)));
        }
        if (probes.Count < 2) return results;

        await using (var batch = connection.CreateBatch())
        {
            batch.Transaction = transaction;
            foreach (var (_, probe) in probes) probe.AddTo(batch, db);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            var next = false;
            foreach (var (_, probe) in probes)
            {
                await probe.ReadAsync(reader, next, ct);
                next = true;
            }
        }

        // Known customers whose recognition writes nothing, one event each; and new customers, none of whose identifiers an
        // earlier new customer of the group has, whose contacts are written with their events.
        var contacts = new HashSet<long>();
        var claimed = new HashSet<Identifier>();
        var known = new List<(int Index, long ContactId, bool History)>(probes.Count);
        var fresh = new List<(int Index, Probe Probe)>();
        foreach (var (n, probe) in probes)
        {
            if (probe.Existing is not null) continue;
            if (ContactRecognizer.Settled(probe.Identifiers, items[n].CustomerName, probe.Owners!) is { } contactId)
            {
                if (contacts.Add(contactId)) known.Add((n, contactId, IsHistory(items[n], now)));
            }
            else if (probe.Owners!.ByIdentifier.Values.All(owner => owner is null) && probe.Identifiers.All(claimed.Add))
                fresh.Add((n, probe));
        }
        if (known.Count + fresh.Count < 2) return results;
        known.Sort((a, b) => a.ContactId.CompareTo(b.ContactId));

        // The new customers' ids, then the known customers' locks (one statement) and their active conversations and ids: one round trip.
        var read = new List<(OpenConversation? Active, long TakenId, long? TakenConversationId)>(known.Count);
        long[] contactIds = new long[fresh.Count], identifierIds = new long[fresh.Sum(f => f.Probe.Identifiers.Count)],
            interactionIds = new long[fresh.Count], conversationIds = new long[fresh.Count];
        await using (var batch = (NpgsqlBatch)connection.CreateBatch())
        {
            batch.Transaction = (NpgsqlTransaction)transaction;
            if (fresh.Count > 0)
                foreach (var (table, ids) in new[] { ("contacts", contactIds), ("contact_identifiers", identifierIds), ("interactions", interactionIds), ("conversations", conversationIds) })
                    batch.BatchCommands.Add(PostgresCopy.NextIds(table, ids.Length));
            if (known.Count > 0)
                batch.BatchCommands.Add((NpgsqlBatchCommand)StatementBatches.Command(batch, db.Sql(LockContactsSql),
                    [("contactIds", known.Select(k => k.ContactId).ToArray())]));
            foreach (var (n, contactId, history) in known)
            {
                var (from, to) = options.Value.ContinuedBetween(items[n].OccurredAt);
                batch.BatchCommands.Add((NpgsqlBatchCommand)StatementBatches.Command(batch, db.Sql(ActiveConversationTakingIdsSql),
                    [("contactId", contactId), ("history", history ? 1 : 0), ("continuedFrom", from), ("continuedTo", to)]));
            }
            await using var reader = await batch.ExecuteReaderAsync(ct);
            var next = false;
            if (fresh.Count > 0)
                foreach (var ids in new[] { contactIds, identifierIds, interactionIds, conversationIds })
                {
                    if (next) await reader.NextResultAsync(ct);
                    next = true;
                    await PostgresCopy.ReadIdsAsync(reader, ids, ct);
                }
            if (known.Count > 0 && next) await reader.NextResultAsync(ct); // on the locked contacts' rows
            foreach (var _ in known)
            {
                await reader.NextResultAsync(ct);
                read.Add(await ReadActiveTakingIdsAsync(reader, ct));
            }
        }

        var rest = new List<(string, (string, object?)[])>(known.Count * 4);
        for (var k = 0; k < known.Count; k++)
        {
            var (n, contactId, history) = known[k];
            var (active, takenId, takenConversationId) = read[k];
            var conversation = active is not null && options.Value.Continues(active.LastActivityAt, items[n].OccurredAt) ? active : null;
            results[n] = await ComposeAsync(connection, transaction, rest, items[n], now, contactId, contactCreated: false, history, conversation, takenId, takenConversationId, ct);
        }
        for (int f = 0, taken = 0; f < fresh.Count; taken += fresh[f].Probe.Identifiers.Count, f++)
        {
            var (n, probe) = fresh[f];
            var held = ContactRecognizer.Held(contactIds[f], identifierIds.AsSpan(taken, probe.Identifiers.Count), probe.Identifiers, items[n].CustomerName);
            rest.AddRange(recognizer.Statements(held, now));
            results[n] = await ComposeAsync(connection, transaction, rest, items[n], now, held.Id, contactCreated: true, IsHistory(items[n], now), conversation: null,
                interactionIds[f], conversationIds[f], ct);
        }
        await db.RunTogetherAsync(connection, transaction, [.. rest.OrderBy(statement => WriteOrder(statement.Item1))], ct);
        events.Appended();
        for (var n = 0; n < items.Count; n++)
            if (results[n] is { } result)
                ConversationsLog.Recorded(logger, result.InteractionId, items[n].Channel, items[n].Direction, result.ContactId, result.ConversationId);
        return results;
    }

    /// <summary>
    /// Where a group's write goes among the others (<see cref="RecordTogetherAsync"/>, a stable order): each table's rows together,
    /// so that they go as one statement (<see cref="RowsInsert"/>), after the rows they refer to; the events, which refer to
    /// nothing, last and in the order they were appended.
    /// </summary>
    private static int WriteOrder(string portable) => portable switch
    {
        ContactRecognizer.InsertContactWithIdSql => 0,
        ContactRecognizer.InsertIdentifierWithIdSql => 1,
        ContactNames.InsertWordSql => 2,
        InsertConversationWithIdSql => 3,
        InsertInteractionWithIdSql => 4,
        TouchConversationSql => 5,
        _ => 6,
    };

    internal static NewEvent Started(long conversationId, long contactId, NewInteraction i, bool history) =>
        new(EventTypes.ConversationStarted, contactId, new { conversationId, contactId, channel = i.Channel, agent = i.Agent, startedAt = i.OccurredAt, ended = history })
        { ConversationId = conversationId, Channel = i.Channel, Agent = i.Agent };

    internal static NewEvent Recorded(long interactionId, long conversationId, long contactId, NewInteraction i) =>
        new(EventTypes.InteractionRecorded, contactId, new
        {
            interactionId, conversationId, contactId, channel = i.Channel, direction = i.Direction, occurredAt = i.OccurredAt, endedAt = i.EndedAt,
            durationSeconds = i.DurationSeconds, status = i.Status, agent = i.Agent, provider = i.Provider, providerRef = i.ProviderRef, campaignId = i.CampaignId,
        }) { ConversationId = conversationId, InteractionId = interactionId, Channel = i.Channel, Agent = i.Agent };

    /// <summary>interaction.status-changed, when the status really moved (a repeated callback with the same status is no change).</summary>
    private async Task StatusChangedAsync(DbConnection connection, DbTransaction transaction, Existing existing, string? next, string? error, CancellationToken ct)
    {
        if (next is null || next == existing.Status) return;
        await events.AppendAsync(connection, transaction, new NewEvent(EventTypes.InteractionStatusChanged, existing.ContactId,
            new { interactionId = existing.Id, conversationId = existing.ConversationId, contactId = existing.ContactId, status = next, previousStatus = existing.Status, error })
        { ConversationId = existing.ConversationId, InteractionId = existing.Id, Changed = ["status"] }, ct);
    }

    // The statements every event runs, prepared once per connection (see PreparedStatements); shared with BulkRecorder.

    /// <summary>
    /// The two first questions of an event with a reference, in one round trip where the engine batches commands: is it a repeat,
    /// and whose are its identifiers — for an event with a name, also whether their owners have one (none to fill in then).
    /// </summary>
    private async Task<(Existing?, ContactRecognizer.Owners?)> ProbeAsync(DbConnection connection, DbTransaction transaction, NewInteraction i, CancellationToken ct)
    {
        var probe = new Probe(i);
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        probe.AddTo(batch, db);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await probe.ReadAsync(reader, next: false, ct);
        return (probe.Existing, probe.Owners);
    }

    /// <summary>An event's probe (see <see cref="ProbeAsync"/>): its commands, added to a batch, and what they read.</summary>
    private sealed class Probe(NewInteraction i)
    {
        private readonly bool _carriesName = ContactRecognizer.Clean(i.CustomerName) is not null;

        public List<Identifier> Identifiers { get; } = i.Identifiers.Distinct().ToList();

        public Existing? Existing { get; private set; }

        public ContactRecognizer.Owners? Owners { get; private set; }

        /// <summary>The reference's look-up (an event with one), then one per identifier.</summary>
        public void AddTo(DbBatch batch, Db db)
        {
            if (i.ProviderRef is not null)
                batch.BatchCommands.Add(StatementBatches.Command(batch, db.Sql(FindByRefSql), [("provider", i.Provider), ("providerRef", i.ProviderRef)]));
            foreach (var identifier in Identifiers)
                batch.BatchCommands.Add(StatementBatches.Command(batch, db.Sql(_carriesName ? ContactRecognizer.FindIdentifierNamedSql : ContactRecognizer.FindIdentifierSql),
                    [("kind", identifier.Kind), ("provider", identifier.Provider), ("value", identifier.Value)]));
        }

        /// <param name="next">Whether the reader is still on an earlier probe's last result (false: on this probe's first).</param>
        public async Task ReadAsync(DbDataReader reader, bool next, CancellationToken ct)
        {
            if (i.ProviderRef is not null)
            {
                if (next) await reader.NextResultAsync(ct);
                Existing = await ReadExistingAsync(reader, ct);
                next = true;
            }
            var owners = new Dictionary<Identifier, long?>(Identifiers.Count);
            var hasName = new HashSet<long>();
            foreach (var identifier in Identifiers)
            {
                if (next) await reader.NextResultAsync(ct);
                next = true;
                owners[identifier] = await reader.ReadAsync(ct) ? reader.GetInt64(0) : null;
                if (_carriesName && owners[identifier] is { } owner && reader.GetInt32(1) == 1) hasName.Add(owner);
            }
            Owners = new ContactRecognizer.Owners(owners, hasName);
        }
    }

    /// <summary>The interaction that carries this provider's reference (a call's CallSid, say), if one does.</summary>
    internal async Task<Existing?> FindAsync(string provider, string providerRef, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(db.Sql(FindByRefSql), new { provider, providerRef }, cancellationToken: ct));
        return await ReadExistingAsync(reader, ct);
    }

    internal async Task<Existing?> FindByRefAsync(DbConnection connection, DbTransaction transaction, string? provider, string providerRef, CancellationToken ct)
    {
        await using var reader = await db.Prepared(connection, transaction, FindByRefSql, ("provider", provider), ("providerRef", providerRef)).ExecuteReaderAsync(ct);
        return await ReadExistingAsync(reader, ct);
    }

    private static async Task<Existing?> ReadExistingAsync(DbDataReader reader, CancellationToken ct) =>
        await reader.ReadAsync(ct) ? new Existing(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.NullableString(3)) : null;

    /// <summary>The contact's active conversation with the latest activity (for an event that is history, its latest conversation), if any.</summary>
    internal async Task<OpenConversation?> ActiveConversationAsync(DbConnection connection, DbTransaction transaction, long contactId, bool history, CancellationToken ct)
    {
        await using var reader = await db.Prepared(connection, transaction, ActiveConversationSql, ("contactId", contactId), ("history", history ? 1 : 0)).ExecuteReaderAsync(ct);
        return await ReadOpenConversationAsync(reader, ct);
    }

    private static async Task<OpenConversation?> ReadOpenConversationAsync(DbDataReader reader, CancellationToken ct) =>
        await reader.ReadAsync(ct) ? OpenConversationOf(reader) : null;

    /// <summary>A row of <see cref="ActiveConversationTakingIdsSql"/>: the active conversation (if any), the interaction's id, the new conversation's (if taken).</summary>
    private static async Task<(OpenConversation? Active, long TakenId, long? TakenConversationId)> ReadActiveTakingIdsAsync(DbDataReader reader, CancellationToken ct)
    {
        await reader.ReadAsync(ct);
        return (reader.IsDBNull(0) ? null : OpenConversationOf(reader), reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetInt64(5));
    }

    private static OpenConversation OpenConversationOf(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.Timestamp(1), reader.GetString(2), reader.GetString(3) == "ended");

    /// <summary>An event that was over longer than the inactivity window ago: it starts, joins or reopens nothing live.</summary>
    internal bool IsHistory(NewInteraction i, DateTimeOffset now) => i.LastsUntil < now && !options.Value.Continues(i.LastsUntil, now);

    /// <summary>
    /// A new conversation; one that starts with an event older than the inactivity window is history, recorded already ended.
    /// <paramref name="withInteraction"/>: it already counts <paramref name="i"/> (its channel, its end as the latest activity);
    /// otherwise it is empty until touched.
    /// </summary>
    internal async Task<long> StartConversationAsync(DbConnection connection, DbTransaction transaction, long contactId, NewInteraction i, bool history,
        bool withInteraction, CancellationToken ct) =>
        (await db.Prepared(connection, transaction, InsertConversationSql, StartParameters(contactId, i, history, withInteraction)).ScalarInt64Async(ct))!.Value;

    internal static (string, object?)[] StartParameters(long contactId, NewInteraction i, bool history, bool withInteraction) =>
        withInteraction
            ? NewConversationParameters(contactId, i, history, i.LastsUntil, i.LastsUntil, ConversationRow.AddChannel("", i.Channel), i.Channel, 1, i.Agent)
            : NewConversationParameters(contactId, i, history, i.OccurredAt, i.LastsUntil, "", null, 0, i.Agent);

    /// <summary>
    /// <see cref="InsertConversationSql"/>'s values: a conversation started by <paramref name="first"/> (its start, its subject),
    /// in the state given — ended at <paramref name="endsAt"/> when it is history.
    /// </summary>
    internal static (string, object?)[] NewConversationParameters(long contactId, NewInteraction first, bool history, DateTimeOffset lastActivityAt,
        DateTimeOffset endsAt, string channels, string? lastChannel, long count, string? agent) =>
    [
        ("contactId", contactId), ("status", history ? "ended" : "active"), ("occurredAt", first.OccurredAt), ("lastActivityAt", lastActivityAt),
        ("endedAt:DateTimeOffset", history ? endsAt : null), ("agent", agent), ("subject", first.Subject), ("channels", channels),
        ("lastChannel:String", lastChannel), ("count", count),
    ];

    internal async Task<long> InsertAsync(DbConnection connection, DbTransaction transaction, long conversationId, long contactId, NewInteraction i, DateTimeOffset now, CancellationToken ct) =>
        (await db.Prepared(connection, transaction, InsertInteractionSql, InsertParameters(conversationId, contactId, i, now)).ScalarInt64Async(ct))!.Value;

    internal static (string, object?)[] InsertParameters(long conversationId, long contactId, NewInteraction i, DateTimeOffset now) =>
    [
        ("conversationId", conversationId), ("contactId", contactId), ("channel", i.Channel), ("direction", i.Direction), ("occurredAt", i.OccurredAt),
        ("endedAt", i.EndedAt), ("durationSeconds", i.DurationSeconds), ("agent", i.Agent), ("status", i.Status), ("subject", i.Subject), ("body", i.Body),
        ("provider", i.Provider), ("providerRef", i.ProviderRef), ("campaignId", i.CampaignId), ("metadata", i.Metadata), ("now", now),
    ];

    /// <summary>
    /// The statement that touches a conversation with <paramref name="added"/> more interactions: <see cref="TouchActiveConversationSql"/>
    /// when the transaction read it active and writers take turns, else <see cref="TouchConversationSql"/>, which reopens or extends an ended one.
    /// </summary>
    internal (string Portable, (string, object?)[] Row) Touch(bool readActive, long id, DateTimeOffset lastActivityAt, string channels, string? channel, string? agent,
        int added, bool reopen)
    {
        (string, object?)[] row = [("lastActivityAt", lastActivityAt), ("channels", channels), ("channel", channel), ("added", added), ("agent", agent), ("id", id)];
        return readActive && db.Dialect.SerializesWriters ? (TouchActiveConversationSql, row) : (TouchConversationSql, [("reopen", reopen ? 1 : 0), .. row]);
    }
}
