using ContactHub.Contacts;
using ContactHub.Data;
using ContactHub.FollowUps;
using Dapper;

namespace ContactHub.Conversations;

/// <summary>One interaction on a contact's timeline.</summary>
public sealed record Activity(long Id, long ConversationId, string Channel, string Direction, DateTimeOffset OccurredAt, DateTimeOffset? EndedAt,
    long? DurationSeconds, string? Agent, string? Status, string? Subject, string? Body, string? Provider, string? ProviderRef, string? Error);

public sealed record ActivityPage(IReadOnlyList<Activity> Items, string? NextBefore);

/// <summary>What a CRM shows when a call rings: who it is, what is going on, what happened last.</summary>
public sealed record ScreenPop(Contact Contact, ConversationSummary? ActiveConversation, IReadOnlyList<Activity> RecentActivities, IReadOnlyList<FollowUp> OpenFollowUps);

/// <summary>
/// What an agent reads about a contact: the screen-pop, the timeline across channels, the contact's conversations.
/// The screen-pop and the timeline run on a kept read connection with prepared statements (see <see cref="ReadConnections"/>).
/// </summary>
public sealed class ContactHistory(Db db, ContactAttributeStore attributes)
{
    // The screen-pop in one command (one round trip on the server engines): the identifier's owner and, for it, its identifiers,
    // tags, attribute values, active conversation, last ten interactions and open follow-ups.
    // Each statement finds the owner by the identifier's unique key; merges move identifiers, so the owner is the survivor.
    // The active conversation is read by the contact's index ({INDEXED_BY}): SQLite, planning without statistics, otherwise walked
    // every active conversation newest first until one was the contact's (ix_conversations_status gives that order, no sort).
    private const string ScreenPopSql = """
        SELECT id, display_name, external_id, created_at, updated_at, merged_into_id, erased_at FROM contacts
        WHERE id = (SELECT contact_id FROM contact_identifiers WHERE kind = @kind AND provider = @provider AND value = @value);

        SELECT id, kind, provider, value, created_at FROM contact_identifiers
        WHERE contact_id = (SELECT contact_id FROM contact_identifiers WHERE kind = @kind AND provider = @provider AND value = @value)
        ORDER BY id;

        SELECT tag FROM contact_tags
        WHERE contact_id = (SELECT contact_id FROM contact_identifiers WHERE kind = @kind AND provider = @provider AND value = @value)
        ORDER BY tag;

        SELECT attr_key, value FROM contact_attributes
        WHERE contact_id = (SELECT contact_id FROM contact_identifiers WHERE kind = @kind AND provider = @provider AND value = @value)
        ORDER BY attr_key;

        SELECT cv.id, cv.contact_id, c.display_name AS contact_name, cv.status, cv.started_at, cv.ended_at, cv.last_activity_at,
               cv.agent, cv.subject, cv.summary, cv.channels, cv.last_channel, cv.interaction_count
        FROM conversations cv {INDEXED_BY:ix_conversations_contact} JOIN contacts c ON c.id = cv.contact_id
        WHERE cv.contact_id = (SELECT contact_id FROM contact_identifiers WHERE kind = @kind AND provider = @provider AND value = @value)
          AND cv.status = 'active'
        ORDER BY cv.last_activity_at DESC {LIMIT:1};

        SELECT id, conversation_id, channel, direction, occurred_at, ended_at, duration_seconds, agent, status, subject, body, provider, provider_ref, error
        FROM interactions
        WHERE contact_id = (SELECT contact_id FROM contact_identifiers WHERE kind = @kind AND provider = @provider AND value = @value)
        ORDER BY occurred_at DESC, id DESC {LIMIT:10};

        SELECT id, contact_id, conversation_id, title, notes, assigned_to, due_at, status, created_by, created_at, completed_at, completed_interaction_id
        FROM follow_ups
        WHERE contact_id = (SELECT contact_id FROM contact_identifiers WHERE kind = @kind AND provider = @provider AND value = @value)
          AND status = 'open'
        ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, id {LIMIT:20};
        """;

    /// <summary>Screen-pop: the contact (with its tags and attributes), its active conversation, its last ten interactions and its open follow-ups.</summary>
    public async Task<ScreenPop?> LookupAsync(Identifier identifier, CancellationToken ct = default)
    {
        var (found, values) = await ReadScreenPopAsync(identifier, ct);
        // Typed once the connection is back: the schema, when its cache has expired, is read on a connection of its own, and
        // waiting for one while holding another stalls every look-up once the pool's connections are all held by look-ups.
        return found is null ? null : found with { Contact = found.Contact with { Attributes = await attributes.TypedAsync(values, ct) } };
    }

    private async Task<(ScreenPop?, List<ContactAttributeStore.ValueRow>)> ReadScreenPopAsync(Identifier identifier, CancellationToken ct)
    {
        await using var lease = await db.Reads.LeaseAsync(ct);
        // The statements read one after another: a merge committing between the first and the others is seen as a merged owner,
        // and read again (the identifier is the survivor's by then). Twice is enough; a third merge in that instant shows nothing.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var results = await lease.QueryMultipleAsync(ScreenPopSql, ct, ("kind", identifier.Kind), ("provider", identifier.Provider), ("value", identifier.Value));
            var row = (await results.ReadAsync<ContactRow>()).SingleOrDefault();
            if (row is null || row.ErasedAt is not null) return (null, []);
            if (row.MergedIntoId is not null) continue;
            var identifiers = await results.ReadAsync<ContactIdentifier>();
            var tags = await results.ReadAsync<ContactStore.TagRow>();
            var values = await results.ReadAsync<ContactAttributeStore.ValueRow>();
            var active = (await results.ReadAsync<ConversationRow>()).SingleOrDefault();
            var recent = await results.ReadAsync<Activity>();
            var followUps = await results.ReadAsync<FollowUp>();
            return (new ScreenPop(ContactStore.Build(row, identifiers, tags), active?.ToSummary(), recent, followUps), values);
        }
        return (null, []);
    }

    private const string ActivitiesSql = """
        SELECT id, conversation_id, channel, direction, occurred_at, ended_at, duration_seconds, agent, status, subject, body, provider, provider_ref, error
        FROM interactions
        WHERE contact_id = @contactId
          AND (@channel IS NULL OR channel = @channel)
          AND (@beforeAt IS NULL OR occurred_at < @beforeAt OR (occurred_at = @beforeAt AND id < @beforeId))
        ORDER BY occurred_at DESC, id DESC {LIMIT:@limit}
        """;

    /// <summary>The timeline, newest first, by keyset: a page never repeats or skips rows while new ones arrive.</summary>
    public async Task<ActivityPage> ActivitiesAsync(long contactId, ActivityCursor? before, int limit, string? channel, CancellationToken ct = default)
    {
        await using var lease = await db.Reads.LeaseAsync(ct);
        return await ActivitiesAsync(lease, contactId, before, limit, channel, ct);
    }

    private static async Task<ActivityPage> ActivitiesAsync(ReadConnections.Lease lease, long contactId, ActivityCursor? before, int limit, string? channel, CancellationToken ct)
    {
        var rows = await lease.QueryAsync<Activity>(ActivitiesSql, ct, ("contactId", contactId), ("channel:String", channel),
            ("beforeAt:DateTimeOffset", before?.OccurredAt), ("beforeId", before?.Id ?? 0), ("limit", limit + 1));
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new ActivityPage(rows, more ? new ActivityCursor(rows[^1].OccurredAt, rows[^1].Id).Encode() : null);
    }

    private const string ConversationsSql = ConversationStore.Columns + """
        WHERE cv.contact_id = @contactId
        ORDER BY cv.last_activity_at DESC, cv.id DESC {LIMIT:@limit}
        """;

    public async Task<IReadOnlyList<ConversationSummary>> ConversationsAsync(long contactId, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ConversationRow>(new CommandDefinition(db.Sql(ConversationsSql), new { contactId, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToSummary()).ToList();
    }
}
