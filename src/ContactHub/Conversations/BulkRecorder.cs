using System.Data.Common;
using ContactHub.Contacts;
using ContactHub.Data;
using ContactHub.Events;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ContactHub.Conversations;

/// <summary>
/// Records many interactions in one transaction for the import, with the rules of <see cref="InteractionRecorder"/>
/// but without asking the database one row at a time what it can tell about the whole batch: which references it already
/// holds, whose identifiers these are, each contact's latest conversations and which contacts have no name are read once
/// per batch; then the common row — a known contact (on PostgreSQL also a new customer, none of whose identifiers is known),
/// a new reference — is grouped in memory and its writes are held, and written together (new contacts, new conversations,
/// their interactions, the events in row order, each other conversation touched once): binary <c>COPY</c> on PostgreSQL
/// (<see cref="PostgresCopy"/>), a few round trips a batch on SQL Server (<see cref="StatementBatches"/>), prepared statements
/// on SQLite. Anything off the common path — a repeat, several contacts matching, an identifier joining a known contact,
/// attributes, a name to fill in — first writes what is held, then goes through the recorder and the recogniser themselves,
/// so that the rules live in one place and the rows, their ids and the events come out as recording each event would leave them.
/// </summary>
public sealed class BulkRecorder(Db db, InteractionRecorder recorder, ContactRecognizer recognizer, EventLog events, ContactAttributeStore attributes,
    IOptions<ConversationsOptions> options, TimeProvider clock)
{
    public sealed record Counts(long Recorded, long Repeated);

    /// <summary>A conversation as this batch leaves it, written back once. <see cref="Id"/> is 0 until a conversation this batch starts is written.</summary>
    private sealed class Touched(long id, DateTimeOffset lastActivityAt, string channels, string? agent)
    {
        public long Id { get; set; } = id;
        public DateTimeOffset LastActivityAt { get; set; } = lastActivityAt;
        public string Channels { get; set; } = channels;
        public string? LastChannel { get; set; }
        public string? Agent { get; set; } = agent; // the first agent named in the batch; the stored one wins (COALESCE)
        public int Added { get; set; }
        public bool Reopen { get; set; }
        public bool Ended { get; init; }
    }

    /// <summary>
    /// A row grouped in memory whose writes are held: its conversation, and whether it started it (with the first row's values);
    /// the new customer it creates, if any. <see cref="ContactId"/> is that customer's provisional id until the write takes its ids.
    /// </summary>
    private sealed record Held(NewInteraction Interaction, long ContactId, Touched Conversation, bool Started, bool History, NewCustomer? Contact);

    /// <summary>
    /// A new customer held on PostgreSQL, known by a provisional (negative) id until the write takes its ids together with the
    /// batch's others, in row order: one round trip for all of them instead of one each.
    /// </summary>
    private sealed record NewCustomer(long Provisional, IReadOnlyList<Identifier> Identifiers, string? Name);

    /// <summary>What the batch read up front: a contact's latest active conversation and latest conversation of any status.</summary>
    private sealed record Latest(InteractionRecorder.OpenConversation? Active, InteractionRecorder.OpenConversation? Any);

    // One probe of the unique key (provider, provider_ref) a reference, all in one round trip. Not "provider IN … AND provider_ref IN …":
    // with statistics from before any import, PostgreSQL took that for a handful of rows and filtered every imported row of the provider.
    internal const string KnownRefSql = "SELECT 1 FROM interactions WHERE provider = @provider AND provider_ref = @providerRef";

    private const string OwnersSql = "SELECT kind, provider, value, contact_id FROM contact_identifiers WHERE value {IN:@values}";

    // Each contact's latest active conversation and its latest ended one (the later of the two is its latest of any status).
    private const string LatestConversationsSql = """
        SELECT contact_id, id, last_activity_at, channels, status FROM (
            SELECT contact_id, id, last_activity_at, channels, status,
                   ROW_NUMBER() OVER (PARTITION BY contact_id, status ORDER BY last_activity_at DESC, id DESC) AS n
            FROM conversations WHERE contact_id {IN:@contacts}) latest
        WHERE n = 1
        """;

    private const string NamedSql = "SELECT id, CASE WHEN display_name IS NULL AND erased_at IS NULL THEN 0 ELSE 1 END AS named FROM contacts WHERE id {IN:@contacts}";

    private sealed record LatestRow(long ContactId, long Id, DateTimeOffset LastActivityAt, string Channels, string Status);

    /// <param name="batch">Interactions without an explicit conversation (the import's rows).</param>
    public async Task<Counts> RecordAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewInteraction> batch, CancellationToken ct)
    {
        if (batch.Any(i => i.ConversationId is not null))
            throw new ArgumentException("The bulk path groups by contact; an event for an explicit conversation goes through InteractionRecorder.");
        var now = clock.GetUtcNow();
        var knownRefs = await KnownRefsAsync(connection, transaction, batch, ct);
        var contactOf = await OwnersAsync(connection, transaction, batch, ct);
        var contacts = contactOf.Values.OfType<long>().Distinct().ToList();
        var latest = await LatestAsync(connection, transaction, contacts, ct);
        var hasName = batch.Any(i => i.CustomerName is not null) ? await NamedAsync(connection, transaction, contacts, ct) : [];

        var named = new HashSet<long>();
        var active = new Dictionary<long, Touched?>();
        var touched = new List<Touched>();
        var held = new List<Held>();
        var changed = new HashSet<long>(); // contacts whose conversations this batch has moved on since it read them
        var heldRefs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var written = new Dictionary<long, long>(); // a new customer's provisional id → its id, once written
        long recorded = 0, repeated = 0, provisional = 0;

        async Task WriteHeldAsync()
        {
            var ids = await WriteAsync(connection, transaction, held, touched, now, ct);
            held.Clear();
            knownRefs.UnionWith(heldRefs); // in the database now
            heldRefs.Clear();
            if (ids.Count == 0) return;
            // A customer written is known by its id from now on, as one read from the database.
            foreach (var (id, contact) in ids)
            {
                var real = contact.Id;
                written[id] = real;
                Rekey(active, id, real);
                Rekey(hasName, id, real);
                if (changed.Remove(id)) changed.Add(real);
                if (named.Remove(id)) named.Add(real);
            }
            foreach (var (identifier, owner) in contactOf.ToList())
                if (owner is { } id && ids.TryGetValue(id, out var contact)) contactOf[identifier] = contact.Id;
        }
        long Written(long id) => written.TryGetValue(id, out var real) ? real : id;

        foreach (var i in batch)
        {
            ct.ThrowIfCancellationRequested();
            // A reference the database may hold (any case: the engine's collation decides) or a row of this batch holds: the recorder's own path.
            if (i.ProviderRef is not null && i.Provider is not null && (knownRefs.Contains(Ref(i)) || heldRefs.Contains(Ref(i))))
            {
                await WriteHeldAsync();
                var again = await recorder.RecordAsync(connection, transaction, i, ct);
                // This batch writes that conversation back when it next touches it: keep the extension.
                foreach (var kept in touched.Concat(active.Values.OfType<Touched>()).Where(t => t.Id == again.ConversationId))
                    if (i.LastsUntil > kept.LastActivityAt) kept.LastActivityAt = i.LastsUntil;
                changed.Add(again.ContactId);
                if (again.Repeated) repeated++;
                else
                {
                    recorded++; // a reference that differs from a stored one only by case, where the engine compares case: recorded as new
                    active.Remove(again.ContactId);
                }
                continue;
            }

            // Recognition: every identifier known and all of one contact is the common case; anything else is the recogniser's.
            long? single = null;
            var simple = true;
            var nobodys = true;
            foreach (var identifier in i.Identifiers)
            {
                if (!contactOf.TryGetValue(identifier, out var owner))
                {
                    await WriteHeldAsync();
                    single = single is { } one ? Written(one) : null;
                    contactOf[identifier] = owner = await recognizer.OwnerAsync(connection, transaction, identifier, ct);
                }
                if (owner is null || (single is not null && single != owner)) simple = false;
                if (owner is not null) nobodys = false;
                single ??= owner;
            }
            long contactId;
            NewCustomer? created = null;
            if (simple && single is { } known)
            {
                contactId = known;
                // A contact known to have a name keeps it (filling in is a no-op): no statement.
                if (i.CustomerName is not null && named.Add(contactId) && !(hasName.TryGetValue(contactId, out var has) && has))
                {
                    await WriteHeldAsync();
                    contactId = Written(contactId);
                    await recognizer.FillNameAsync(connection, transaction, contactId, i.CustomerName, ct);
                }
            }
            else if (nobodys && connection is NpgsqlConnection && i.Identifiers.Count > 0 && i.Identifiers.Distinct().Count() == i.Identifiers.Count
                && i.Attributes is not { Count: > 0 })
            {
                // A new customer, on PostgreSQL: created as the recogniser would, written with the batch's rows.
                created = new NewCustomer(--provisional, i.Identifiers, i.CustomerName);
                contactId = created.Provisional;
                foreach (var identifier in i.Identifiers) contactOf[identifier] = contactId;
                active[contactId] = null;
                hasName[contactId] = ContactRecognizer.Clean(i.CustomerName) is not null;
            }
            else
            {
                await WriteHeldAsync();
                var recognized = await recognizer.RecognizeAsync(connection, transaction, i.Identifiers, i.CustomerName, null, ct);
                contactId = recognized.ContactId;
                foreach (var identifier in i.Identifiers)
                    if (contactOf[identifier] is null) contactOf[identifier] = contactId;
                if (recognized.Created) active[contactId] = null;
                hasName.Remove(contactId); // the recogniser may have named it

            }

            if (i.Attributes is { Count: > 0 })
            {
                await WriteHeldAsync();
                contactId = Written(contactId);
                await attributes.SetAsync(connection, transaction, contactId, i.Attributes, ct);
            }

            // Grouping, as the recorder's rule: the contact's latest active conversation (for an event that is history, its latest
            // conversation) within the inactivity timeout, else a new one.
            var history = recorder.IsHistory(i, now);
            if (!active.TryGetValue(contactId, out var conversation) || (conversation is { Ended: true } && !history))
            {
                InteractionRecorder.OpenConversation? open;
                if (latest.TryGetValue(contactId, out var read) && !changed.Contains(contactId))
                    open = history ? read.Any : read.Active;
                else
                {
                    await WriteHeldAsync();
                    contactId = Written(contactId);
                    open = await recorder.ActiveConversationAsync(connection, transaction, contactId, history, ct);
                }
                conversation = open is null ? null
                    : touched.FirstOrDefault(t => t.Id == open.Id) ?? new Touched(open.Id, open.LastActivityAt, open.Channels, null) { Ended = open.Ended };
                active[contactId] = conversation;
            }
            var started = false;
            if (conversation is null || !options.Value.Continues(conversation.LastActivityAt, i.OccurredAt))
            {
                var fresh = new Touched(0, i.LastsUntil, "", i.Agent) { Ended = history };
                // The contact's next event joins whichever conversation has the latest activity, as the recorder's query does.
                if (conversation is null || fresh.LastActivityAt > conversation.LastActivityAt) active[contactId] = fresh;
                conversation = fresh;
                started = true;
            }
            if (conversation.Added == 0) touched.Add(conversation);
            held.Add(new Held(i, contactId, conversation, started, history, created));
            changed.Add(contactId);
            if (i.Provider is not null && i.ProviderRef is not null) heldRefs.Add(Ref(i));
            recorded++;

            if (i.LastsUntil > conversation.LastActivityAt) conversation.LastActivityAt = i.LastsUntil;
            conversation.Channels = ConversationRow.AddChannel(conversation.Channels, i.Channel);
            conversation.LastChannel = i.Channel;
            conversation.Agent ??= i.Agent;
            conversation.Added++;
            conversation.Reopen |= i.Direction == "inbound" && !history;
        }

        await WriteHeldAsync();
        return new Counts(recorded, repeated);
    }

    /// <summary>
    /// Writes what the rows held: the conversations they started (in order, so their ids are those recording each event gives),
    /// their interactions, the events in row order, and every other conversation touched since the last write, once. A
    /// conversation started here is written as the rows leave it (its last activity, channels, count, first agent), not
    /// started and then touched. On PostgreSQL the rows go by <c>COPY</c> with ids taken ahead (<see cref="PostgresCopy"/>), new
    /// customers first. Returns the new customers written, by their provisional ids.
    /// </summary>
    private async Task<Dictionary<long, ContactRecognizer.HeldContact>> WriteAsync(DbConnection connection, DbTransaction transaction, List<Held> held, List<Touched> touched, DateTimeOffset now,
        CancellationToken ct)
    {
        if (held.Count == 0 && touched.Count == 0) return [];
        var customers = new Dictionary<long, ContactRecognizer.HeldContact>();
        List<Held> starts;
        long[] conversationIds, interactionIds;
        if (connection is NpgsqlConnection pg)
        {
            var created = held.Select(h => h.Contact).OfType<NewCustomer>().ToList();
            var taken = await PostgresCopy.NextIdsAsync(pg, ct, ("contacts", created.Count), ("contact_identifiers", created.Sum(c => c.Identifiers.Count)),
                ("conversations", held.Count(h => h.Started)), ("interactions", held.Count));
            var claimed = 0;
            for (var n = 0; n < created.Count; n++)
            {
                var c = created[n];
                customers[c.Provisional] = ContactRecognizer.Held(taken[0][n], taken[1].AsSpan(claimed, c.Identifiers.Count), c.Identifiers, c.Name);
                claimed += c.Identifiers.Count;
            }
            await recognizer.CopyAsync(pg, created.ConvertAll(c => customers[c.Provisional]), now, ct);
            held = held.ConvertAll(h => h.ContactId < 0 ? h with { ContactId = customers[h.ContactId].Id } : h);
            starts = held.Where(h => h.Started).ToList();
            (conversationIds, interactionIds) = (taken[2], taken[3]);
            await PostgresCopy.WriteAsync(pg, "conversations", ConversationColumns,
                starts.Select((h, n) => StartRow(h).Select(p => p.Item2).Prepend(conversationIds[n]).ToArray()), ct);
            for (var n = 0; n < starts.Count; n++) starts[n].Conversation.Id = conversationIds[n];
            await PostgresCopy.WriteAsync(pg, "interactions", InteractionColumns,
                held.Select((h, n) => InteractionRecorder.InsertParameters(h.Conversation.Id, h.ContactId, h.Interaction, now).Select(p => p.Item2).Append(now).Prepend(interactionIds[n]).ToArray()), ct);
            await events.CopyAsync(pg, Appended(held, interactionIds, customers), ct);
        }
        else
        {
            starts = held.Where(h => h.Started).ToList();
            conversationIds = [.. await db.RunEachAsync(connection, transaction, InteractionRecorder.InsertConversationSql, starts.ConvertAll(StartRow), returnsId: true, ct)];
            for (var n = 0; n < starts.Count; n++) starts[n].Conversation.Id = conversationIds[n];
            interactionIds = [.. await db.RunEachAsync(connection, transaction, InteractionRecorder.InsertInteractionSql,
                held.ConvertAll(h => InteractionRecorder.InsertParameters(h.Conversation.Id, h.ContactId, h.Interaction, now)), returnsId: true, ct)];
            await events.AppendAsync(connection, transaction, Appended(held, interactionIds, customers), ct);
        }

        var started = starts.Select(h => h.Conversation).ToHashSet();
        foreach (var group in touched.Where(c => !started.Contains(c))
                     .Select(c => recorder.Touch(!c.Ended, c.Id, c.LastActivityAt, c.Channels, c.LastChannel, c.Agent, c.Added, c.Reopen)).GroupBy(t => t.Portable))
            await db.RunEachAsync(connection, transaction, group.Key, group.Select(t => t.Row).ToList(), returnsId: false, ct);
        foreach (var c in touched) (c.Added, c.Reopen) = (0, false);
        touched.Clear();
        return customers;
    }

    /// <summary>
    /// A conversation a held row started, as the batch's rows leave it. Within one write it only gathers rows like its first:
    /// history (ended: it ends with its last activity) or live (active) — a live row for an ended one reads the database
    /// again, which writes what is held first.
    /// </summary>
    private static (string, object?)[] StartRow(Held h)
    {
        var c = h.Conversation;
        return InteractionRecorder.NewConversationParameters(h.ContactId, h.Interaction, h.History, c.LastActivityAt, c.LastActivityAt, c.Channels, c.LastChannel, c.Added, c.Agent);
    }

    private static List<NewEvent> Appended(List<Held> held, long[] interactionIds, Dictionary<long, ContactRecognizer.HeldContact> customers)
    {
        var appended = new List<NewEvent>(held.Count * 2);
        for (var n = 0; n < held.Count; n++)
        {
            var h = held[n];
            if (h.Contact is { } contact) appended.Add(customers[contact.Provisional].Created);
            if (h.Started) appended.Add(InteractionRecorder.Started(h.Conversation.Id, h.ContactId, h.Interaction, h.History));
            appended.Add(InteractionRecorder.Recorded(interactionIds[n], h.Conversation.Id, h.ContactId, h.Interaction));
        }
        return appended;
    }

    // In the order of StartRow and InteractionRecorder.InsertParameters (then updated_at), after the id taken ahead.
    private static readonly PostgresCopy.Column[] ConversationColumns =
    [
        new("id", NpgsqlDbType.Bigint), new("contact_id", NpgsqlDbType.Bigint), new("status", NpgsqlDbType.Varchar), new("started_at", NpgsqlDbType.TimestampTz),
        new("last_activity_at", NpgsqlDbType.TimestampTz), new("ended_at", NpgsqlDbType.TimestampTz), new("agent", NpgsqlDbType.Varchar),
        new("subject", NpgsqlDbType.Text), new("channels", NpgsqlDbType.Varchar), new("last_channel", NpgsqlDbType.Varchar), new("interaction_count", NpgsqlDbType.Bigint),
    ];

    private static readonly PostgresCopy.Column[] InteractionColumns =
    [
        new("id", NpgsqlDbType.Bigint), new("conversation_id", NpgsqlDbType.Bigint), new("contact_id", NpgsqlDbType.Bigint), new("channel", NpgsqlDbType.Varchar),
        new("direction", NpgsqlDbType.Varchar), new("occurred_at", NpgsqlDbType.TimestampTz), new("ended_at", NpgsqlDbType.TimestampTz),
        new("duration_seconds", NpgsqlDbType.Bigint), new("agent", NpgsqlDbType.Varchar), new("status", NpgsqlDbType.Varchar), new("subject", NpgsqlDbType.Text),
        new("body", NpgsqlDbType.Text), new("provider", NpgsqlDbType.Varchar), new("provider_ref", NpgsqlDbType.Varchar), new("campaign_id", NpgsqlDbType.Bigint),
        new("metadata", NpgsqlDbType.Text), new("created_at", NpgsqlDbType.TimestampTz), new("updated_at", NpgsqlDbType.TimestampTz),
    ];

    /// <summary>
    /// The batch's references the database already holds, as the engine's collation matches them; with those the batch holds,
    /// compared in any case: a reference that might be a repeat goes through the recorder, which asks the engine itself.
    /// </summary>
    private async Task<HashSet<string>> KnownRefsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewInteraction> batch, CancellationToken ct)
    {
        var referenced = batch.Where(i => i.ProviderRef is not null && i.Provider is not null).DistinctBy(Ref).ToList();
        var found = await db.FirstOfEachAsync(connection, transaction, KnownRefSql,
            referenced.ConvertAll(i => new (string, object?)[] { ("provider", i.Provider), ("providerRef", i.ProviderRef) }), ct);
        return referenced.Where((_, n) => found[n] is not null).Select(Ref).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    private static string Ref(NewInteraction i) => i.Provider + "\u001f" + i.ProviderRef;

    /// <summary>Every identifier of the batch and its owner (null: nobody's yet).</summary>
    private async Task<Dictionary<Identifier, long?>> OwnersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewInteraction> batch, CancellationToken ct)
    {
        var identifiers = batch.SelectMany(i => i.Identifiers).Distinct().ToList();
        var owners = identifiers.ToDictionary(i => i, _ => (long?)null);
        if (identifiers.Count == 0) return owners;
        var values = identifiers.Select(i => i.Value).Distinct().ToList();
        var rows = await connection.QueryAsync<(string Kind, string Provider, string Value, long ContactId)>(
            new CommandDefinition(db.Sql(OwnersSql), new { values }, transaction, cancellationToken: ct));
        var byValue = rows.ToLookup(r => r.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var identifier in identifiers)
        {
            var matches = byValue[identifier.Value].ToList();
            if (matches.FirstOrDefault(r => r.Kind == identifier.Kind && r.Provider == identifier.Provider && r.Value == identifier.Value) is { ContactId: > 0 } exact)
                owners[identifier] = exact.ContactId;
            else if (matches.Count > 0)
                owners.Remove(identifier); // a value the engine's collation may match another way: its own probe decides, row by row
        }
        return owners;
    }

    private async Task<Dictionary<long, Latest>> LatestAsync(DbConnection connection, DbTransaction transaction, List<long> contacts, CancellationToken ct)
    {
        var latest = contacts.ToDictionary(c => c, _ => new Latest(null, null));
        if (contacts.Count == 0) return latest;
        var rows = await connection.QueryAsync<LatestRow>(new CommandDefinition(db.Sql(LatestConversationsSql), new { contacts }, transaction, cancellationToken: ct));
        foreach (var row in rows)
        {
            var open = new InteractionRecorder.OpenConversation(row.Id, row.LastActivityAt, row.Channels, row.Status == "ended");
            var current = latest[row.ContactId];
            var any = current.Any is null || Later(open, current.Any) ? open : current.Any;
            latest[row.ContactId] = new Latest(row.Status == "active" ? open : current.Active, any);
        }
        return latest;
    }

    private static void Rekey<T>(Dictionary<long, T> map, long from, long to)
    {
        if (map.Remove(from, out var value)) map[to] = value;
    }

    private static bool Later(InteractionRecorder.OpenConversation a, InteractionRecorder.OpenConversation b) =>
        a.LastActivityAt > b.LastActivityAt || (a.LastActivityAt == b.LastActivityAt && a.Id > b.Id);

    /// <summary>Whether each contact has a name (an erased contact counts as named: its name is never filled in again).</summary>
    private async Task<Dictionary<long, bool>> NamedAsync(DbConnection connection, DbTransaction transaction, List<long> contacts, CancellationToken ct) =>
        contacts.Count == 0 ? [] : (await connection.QueryAsync<(long Id, int Named)>(new CommandDefinition(db.Sql(NamedSql), new { contacts }, transaction, cancellationToken: ct)))
            .ToDictionary(r => r.Id, r => r.Named == 1);
}
