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
public sealed class ContactHistory(Db db, ContactRecognizer recognizer, ContactAttributeStore attributes)
{
    private const string ActiveConversationSql = ConversationStore.Columns + """
        WHERE cv.contact_id = @id AND cv.status = 'active'
        ORDER BY cv.last_activity_at DESC {LIMIT:1}
        """;

    private const string OpenFollowUpsSql = """
        SELECT id, contact_id, conversation_id, title, notes, assigned_to, due_at, status, created_by, created_at, completed_at, completed_interaction_id
        FROM follow_ups WHERE contact_id = @id AND status = 'open'
        ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, id {LIMIT:20}
        """;

    /// <summary>Screen-pop: the contact (with its tags and attributes), its active conversation, its last ten interactions and its open follow-ups.</summary>
    public async Task<ScreenPop?> LookupAsync(Identifier identifier, CancellationToken ct = default)
    {
        await using var lease = await db.Reads.LeaseAsync(ct);
        var owner = await recognizer.OwnerAsync(lease.Connection, null, identifier, ct);
        if (owner is not { } contactId || await ContactStore.GetAsync(lease, contactId, ct) is not { } contact) return null;
        var active = (await lease.QueryAsync<ConversationRow>(ActiveConversationSql, ct, ("id", contact.Id))).SingleOrDefault();
        var recent = await ActivitiesAsync(lease, contact.Id, null, 10, null, ct);
        var followUps = await lease.QueryAsync<FollowUp>(OpenFollowUpsSql, ct, ("id", contact.Id));
        var values = await lease.QueryAsync<ContactAttributeStore.ValueRow>(ContactAttributeStore.ValuesSql, ct, ("id", contact.Id));
        return new ScreenPop(contact with { Attributes = await attributes.TypedAsync(values, ct) }, active?.ToSummary(), recent.Items, followUps);
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
