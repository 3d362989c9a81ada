using System.Data.Common;
using ContactHub.Conversations;
using ContactHub.Data;
using Dapper;

namespace ContactHub.Contacts;

public sealed class ContactStore(Db db, TimeProvider clock)
{
    private const string ContactSql = """
        SELECT id, display_name, external_id, created_at, updated_at, merged_into_id, erased_at FROM contacts WHERE id = @id
        """;

    private const string IdentifiersSql = """
        SELECT id, kind, provider, value, created_at FROM contact_identifiers WHERE contact_id = @id ORDER BY id
        """;

    /// <summary>The contact, following merges to the surviving one; null when unknown or erased.</summary>
    public async Task<Contact?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var lease = await db.Reads.LeaseAsync(ct);
        return await GetAsync(lease, id, ct);
    }

    private static readonly string[] Id = ["id"];

    private static async Task<Contact?> GetAsync(ReadConnections.Lease lease, long id, CancellationToken ct)
    {
        var requested = id;
        for (var hops = 0; hops < 16; hops++)
        {
            var row = (await lease.QueryAsync<ContactRow>(ContactSql, Id, [id], ct)).SingleOrDefault();
            if (row is null || row.ErasedAt is not null) return null;
            if (row.MergedIntoId is { } target) { id = target; continue; }
            var identifiers = await lease.QueryAsync<ContactIdentifier>(IdentifiersSql, Id, [id], ct);
            return new Contact(row.Id, row.DisplayName, row.ExternalId, row.CreatedAt, row.UpdatedAt,
                identifiers.Select(i => i with { Provider = i.Provider is "" ? null : i.Provider }).ToList(), id == requested ? null : requested);
        }
        return null;
    }

    private const string FindByIdentifierSql = """
        SELECT contact_id FROM contact_identifiers WHERE kind = @Kind AND provider = @Provider AND value = @Value
        """;

    private const string ActiveConversationSql = ConversationStore.Columns + """
        WHERE cv.contact_id = @id AND cv.status = 'active'
        ORDER BY cv.last_activity_at DESC {LIMIT:1}
        """;

    private const string OpenFollowUpsSql = """
        SELECT id, contact_id, conversation_id, title, notes, assigned_to, due_at, status, created_by, created_at, completed_at, completed_interaction_id
        FROM follow_ups WHERE contact_id = @id AND status = 'open'
        ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, id {LIMIT:20}
        """;

    /// <summary>Screen-pop: the contact, its active conversation, its last ten interactions and its open follow-ups.</summary>
    public async Task<ScreenPop?> LookupAsync(Identifier identifier, CancellationToken ct = default)
    {
        await using var lease = await db.Reads.LeaseAsync(ct);
        var owner = (await lease.QueryAsync<long?>(FindByIdentifierSql, ["Kind", "Provider", "Value"], [identifier.Kind, identifier.Provider, identifier.Value], ct)).SingleOrDefault();
        if (owner is not { } contactId || await GetAsync(lease, contactId, ct) is not { } contact) return null;
        var active = (await lease.QueryAsync<ConversationRow>(ActiveConversationSql, Id, [contact.Id], ct)).SingleOrDefault();
        var recent = await ActivitiesAsync(lease, contact.Id, null, 10, null, ct);
        var followUps = await lease.QueryAsync<FollowUps.FollowUp>(OpenFollowUpsSql, Id, [contact.Id], ct);
        return new ScreenPop(contact, active?.ToSummary(), recent.Items, followUps);
    }

    private const string SearchSql = """
        SELECT id, display_name AS name, external_id, created_at, updated_at FROM contacts
        WHERE merged_into_id IS NULL AND erased_at IS NULL
          AND (name_key LIKE @prefix ESCAPE '\' OR id IN (SELECT contact_id FROM contact_identifiers WHERE value LIKE @prefix ESCAPE '\'))
        ORDER BY updated_at DESC, id DESC {LIMIT:@limit}
        """;

    /// <summary>Contacts whose name, phone, email or other identifier starts with the text.</summary>
    public async Task<IReadOnlyList<ContactSummary>> SearchAsync(string text, IdentifierNormalizer normalizer, int limit, CancellationToken ct = default)
    {
        var term = normalizer.Phone(text) ?? text.Trim().ToLowerInvariant();
        var prefix = term.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<ContactSummary>(new CommandDefinition(db.Sql(SearchSql), new { prefix, limit }, cancellationToken: ct))).ToList();
    }

    private const string UpdateSql = """
        UPDATE contacts SET display_name = COALESCE(@name, display_name), name_key = COALESCE(@nameKey, name_key),
            external_id = COALESCE(@externalId, external_id), updated_at = @now
        WHERE id = @id AND merged_into_id IS NULL AND erased_at IS NULL
        """;

    public async Task<bool> UpdateAsync(long id, string? name, string? externalId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql),
            new { id, name = ContactRecognizer.Clean(name), nameKey = ContactRecognizer.NameKey(name), externalId, now = clock.GetUtcNow() }, cancellationToken: ct)) > 0;
    }

    private const string InsertIdentifierSql = """
        INSERT INTO contact_identifiers (contact_id, kind, provider, value, created_at) {OUTPUT_ID}
        SELECT @contactId, @Kind, @Provider, @Value, @now
        WHERE NOT EXISTS (SELECT 1 FROM contact_identifiers {LOCK} WHERE kind = @Kind AND provider = @Provider AND value = @Value)
        {ON_CONFLICT_IGNORE} {RETURNING_ID}
        """;

    /// <summary>Adds an identifier; returns its id, or the id of the contact that already owns it.</summary>
    public async Task<(long? IdentifierId, long? OwnerContactId)> AddIdentifierAsync(long contactId, Identifier identifier, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(InsertIdentifierSql),
            new { contactId, identifier.Kind, identifier.Provider, identifier.Value, now = clock.GetUtcNow() }, cancellationToken: ct));
        if (id is not null) return (id, null);
        var owner = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(FindByIdentifierSql), identifier, cancellationToken: ct));
        return (null, owner);
    }

    private const string DeleteIdentifierSql = "DELETE FROM contact_identifiers WHERE id = @identifierId AND contact_id = @contactId";

    public async Task<bool> RemoveIdentifierAsync(long contactId, long identifierId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteIdentifierSql), new { contactId, identifierId }, cancellationToken: ct)) > 0;
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
        var rows = await lease.QueryAsync<Activity>(ActivitiesSql, ["contactId", "channel:String", "beforeAt:DateTimeOffset", "beforeId", "limit"],
            [contactId, channel, before?.OccurredAt, before?.Id ?? 0, limit + 1], ct);
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

    private const string DuplicatesSql = """
        SELECT d.id, d.contact_id, a.display_name AS contact_name, d.other_contact_id, b.display_name AS other_contact_name, d.reason, d.detected_at
        FROM duplicate_candidates d
        JOIN contacts a ON a.id = d.contact_id
        JOIN contacts b ON b.id = d.other_contact_id
        WHERE d.resolved_at IS NULL AND a.merged_into_id IS NULL AND b.merged_into_id IS NULL AND a.erased_at IS NULL AND b.erased_at IS NULL
        ORDER BY d.detected_at DESC, d.id DESC {LIMIT:@limit}
        """;

    public async Task<IReadOnlyList<DuplicateCandidate>> DuplicatesAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<DuplicateCandidate>(new CommandDefinition(db.Sql(DuplicatesSql), new { limit }, cancellationToken: ct))).ToList();
    }
}
