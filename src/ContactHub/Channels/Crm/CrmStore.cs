using ContactHub.Data;
using Dapper;

namespace ContactHub.Channels.Crm;

/// <summary>A connector's place in the event log and who holds it.</summary>
public sealed record CrmCursor(string Name, long Position, string? LeaseOwner, DateTimeOffset? LeaseUntil, string? LastError, DateTimeOffset? LastWrittenAt);

/// <summary>An event a connector could not write, with why; retried on request.</summary>
public sealed record CrmFailure(long Id, string Connector, long EventPosition, string EventType, long? InteractionId, long? ContactId, string Reason, long Attempts,
    string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Cursors and their leases, what each connector wrote, and what it parked.</summary>
public sealed class CrmStore(Db db, TimeProvider clock)
{
    private const string CursorSql = "SELECT name, position, lease_owner, lease_until, last_error, last_written_at FROM crm_cursors WHERE name = @name";

    private const string InsertCursorSql = """
        INSERT INTO crm_cursors (name, position, updated_at)
        SELECT @name, @position, @now WHERE NOT EXISTS (SELECT 1 FROM crm_cursors {LOCK} WHERE name = @name) {ON_CONFLICT_IGNORE}
        """;

    private const string LeaseSql = """
        UPDATE crm_cursors SET lease_owner = @owner, lease_until = @until
        WHERE name = @name AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until < @now)
        """;

    // Advancing renews the lease: a round of many events outlived it (a slow CRM, a busy machine), the other node took the
    // connector mid-round and wrote again the events this one had written but not yet advanced past.
    private const string AdvanceSql = """
        UPDATE crm_cursors SET position = @position, lease_until = @until, last_error = NULL, last_written_at = COALESCE(@writtenAt, last_written_at), updated_at = @now
        WHERE name = @name AND lease_owner = @owner AND position < @position
        """;

    private const string ErrorSql = "UPDATE crm_cursors SET last_error = @error, updated_at = @now WHERE name = @name";

    private const string ReleaseSql = "UPDATE crm_cursors SET lease_owner = NULL, lease_until = NULL WHERE name = @name AND lease_owner = @owner";

    public async Task<CrmCursor?> CursorAsync(string name, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CrmCursor>(new CommandDefinition(db.Sql(CursorSql), new { name }, cancellationToken: ct));
    }

    /// <summary>A connector seen for the first time starts at <paramref name="head"/>: it writes what happens from then on, not years of history.</summary>
    public async Task EnsureCursorAsync(string name, long head, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertCursorSql), new { name, position = head, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>Takes (or keeps) the connector for <paramref name="lease"/>; the cursor when this node holds it, else null.</summary>
    public async Task<CrmCursor?> LeaseAsync(string name, string owner, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(LeaseSql), new { name, owner, until = now + lease, now }, cancellationToken: ct)) == 0) return null;
        return await connection.QuerySingleOrDefaultAsync<CrmCursor>(new CommandDefinition(db.Sql(CursorSql), new { name }, cancellationToken: ct));
    }

    /// <summary>
    /// Moves the cursor past an event handled (written, parked or nothing to do) and holds the connector for <paramref name="lease"/>
    /// more; false when this node lost the lease.
    /// </summary>
    public async Task<bool> AdvanceAsync(string name, string owner, long position, bool wrote, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(AdvanceSql),
            new { name, owner, position, until = now + lease, writtenAt = wrote ? now : (DateTimeOffset?)null, now }, cancellationToken: ct)) > 0;
    }

    public async Task SetErrorAsync(string name, string? error, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(ErrorSql), new { name, error = error?[..Math.Min(error.Length, 400)], now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task ReleaseAsync(string name, string owner)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(ReleaseSql), new { name, owner }));
    }

    // What was written: updates go to the same record, an erasure finds everything to delete.

    private const string WrittenSql = "SELECT COUNT(*) FROM crm_writes WHERE connector = @connector AND interaction_id = @interactionId";

    private const string UpdateWriteSql = """
        UPDATE crm_writes SET contact_id = @contactId, crm_id = COALESCE(@crmId, crm_id), written_at = @now WHERE connector = @connector AND interaction_id = @interactionId
        """;

    private const string InsertWriteSql = """
        INSERT INTO crm_writes (connector, interaction_id, contact_id, crm_id, written_at) VALUES (@connector, @interactionId, @contactId, @crmId, @now)
        """;

    private const string WritesOfContactsSql = """
        SELECT w.interaction_id, i.channel FROM crm_writes w LEFT JOIN interactions i ON i.id = w.interaction_id
        WHERE w.connector = @connector AND w.contact_id {IN:@contactIds} ORDER BY w.interaction_id
        """;

    public sealed class Written
    {
        public long InteractionId { get; set; }
        public string? Channel { get; set; }
    }

    private const string WritesOfConversationSql = """
        SELECT w.interaction_id FROM crm_writes w JOIN interactions i ON i.id = w.interaction_id
        WHERE w.connector = @connector AND i.conversation_id = @conversationId ORDER BY w.interaction_id
        """;

    private const string ForgetWriteSql = "DELETE FROM crm_writes WHERE connector = @connector AND interaction_id = @interactionId";

    public async Task<bool> WrittenAsync(string connector, long interactionId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(WrittenSql), new { connector, interactionId }, cancellationToken: ct)) > 0;
    }

    public Task RecordWriteAsync(string connector, long interactionId, long contactId, string? crmId, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var args = new { connector, interactionId, contactId, crmId, now = clock.GetUtcNow() };
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateWriteSql), args, tx, cancellationToken: ct)) == 0)
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertWriteSql), args, tx, cancellationToken: ct));
            return 0;
        }, ct);

    public async Task<IReadOnlyList<Written>> WritesOfContactsAsync(string connector, IReadOnlyList<long> contactIds, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Written>(new CommandDefinition(db.Sql(WritesOfContactsSql), new { connector, contactIds }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<long>> WritesOfConversationAsync(string connector, long conversationId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(WritesOfConversationSql), new { connector, conversationId }, cancellationToken: ct))).AsList();
    }

    public async Task ForgetWriteAsync(string connector, long interactionId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(ForgetWriteSql), new { connector, interactionId }, cancellationToken: ct));
    }

    // What a connector reads of ContactHub.

    private sealed record ActivityRow(long Id, long ContactId, long ConversationId, string Channel, string Direction, DateTimeOffset OccurredAt, DateTimeOffset? EndedAt,
        long? DurationSeconds, string? Status, string? Agent, string? Subject, string? Body, string? Summary, DateTimeOffset? ErasedAt);

    private const string ActivitySql = """
        SELECT i.id, i.contact_id, i.conversation_id, i.channel, i.direction, i.occurred_at, i.ended_at, i.duration_seconds, i.status, i.agent, i.subject, i.body,
               cv.summary, c.erased_at
        FROM interactions i JOIN conversations cv ON cv.id = i.conversation_id JOIN contacts c ON c.id = i.contact_id
        WHERE i.id = @id
        """;

    private const string KeysSql = "SELECT kind, provider, value FROM contact_identifiers WHERE contact_id = @contactId ORDER BY id";

    private const string MergedSql = "SELECT id FROM contacts WHERE id = @contactId OR merged_into_id = @contactId";

    /// <summary>The interaction as the CRM should show it now; null when it is gone or its contact was erased.</summary>
    public async Task<CrmActivity?> ActivityAsync(long interactionId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var r = await connection.QuerySingleOrDefaultAsync<ActivityRow>(new CommandDefinition(db.Sql(ActivitySql), new { id = interactionId }, cancellationToken: ct));
        return r is null || r.ErasedAt is not null ? null
            : new CrmActivity(r.Id, r.ContactId, r.ConversationId, r.Channel, r.Direction, r.OccurredAt, r.EndedAt, r.DurationSeconds, r.Status, r.Agent, r.Subject, r.Body, r.Summary);
    }

    private sealed record KeyRow(string Kind, string Provider, string Value);

    /// <summary>The contact's phones and emails, and the CRM id stored for <paramref name="provider"/> if one was matched before.</summary>
    public async Task<(CrmContactKeys Keys, string? CrmId)> ContactKeysAsync(long contactId, string provider, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<KeyRow>(new CommandDefinition(db.Sql(KeysSql), new { contactId }, cancellationToken: ct))).AsList();
        return (new CrmContactKeys(rows.Where(r => r.Kind == "phone").Select(r => r.Value).ToList(), rows.Where(r => r.Kind == "email").Select(r => r.Value).ToList()),
            rows.FirstOrDefault(r => r.Kind == "external" && r.Provider == provider)?.Value);
    }

    /// <summary>The contact and those merged into it.</summary>
    public async Task<IReadOnlyList<long>> ContactAndMergedAsync(long contactId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(MergedSql), new { contactId }, cancellationToken: ct))).AsList();
    }

    // Parked events.

    private const string FailureColumns = """
        SELECT id, connector, event_position, event_type, interaction_id, contact_id, reason, attempts, status, created_at, updated_at FROM crm_failures
        """ + "\n";

    private const string ParkSql = """
        INSERT INTO crm_failures (connector, event_position, event_type, interaction_id, contact_id, reason, attempts, status, created_at, updated_at)
        VALUES (@connector, @position, @type, @interactionId, @contactId, @reason, 1, 'parked', @now, @now)
        """;

    private const string FailuresSql = FailureColumns + """
        WHERE connector = @connector AND (@status IS NULL OR status = @status) ORDER BY id DESC {LIMIT:@limit}
        """;

    private const string FailureSql = FailureColumns + "WHERE id = @id AND connector = @connector";

    private const string DueRetriesSql = FailureColumns + "WHERE connector = @connector AND status = 'retry' ORDER BY id {LIMIT:50}";

    private const string SetFailureSql = """
        UPDATE crm_failures SET status = @status, reason = COALESCE(@reason, reason), attempts = attempts + @tried, updated_at = @now WHERE id = @id
        """;

    private const string CountsSql = "SELECT status, COUNT(*) AS count FROM crm_failures WHERE connector = @connector GROUP BY status";

    public async Task ParkAsync(string connector, long position, string type, long? interactionId, long? contactId, string reason, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(ParkSql),
            new { connector, position, type, interactionId, contactId, reason = reason[..Math.Min(reason.Length, 400)], now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<CrmFailure>> FailuresAsync(string connector, string? status, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<CrmFailure>(new CommandDefinition(db.Sql(FailuresSql), new { connector, status, limit }, cancellationToken: ct))).AsList();
    }

    public async Task<CrmFailure?> FailureAsync(string connector, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CrmFailure>(new CommandDefinition(db.Sql(FailureSql), new { connector, id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<CrmFailure>> DueRetriesAsync(string connector, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<CrmFailure>(new CommandDefinition(db.Sql(DueRetriesSql), new { connector }, cancellationToken: ct))).AsList();
    }

    /// <summary>parked (with a new reason), retry (asked for), or resolved (written at last).</summary>
    public async Task SetFailureAsync(long id, string status, string? reason, bool tried, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(SetFailureSql),
            new { id, status, reason = reason?[..Math.Min(reason.Length, 400)], tried = tried ? 1 : 0, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    private sealed class StatusCount
    {
        public string Status { get; set; } = "";
        public long Count { get; set; }
    }

    public async Task<IReadOnlyDictionary<string, long>> FailureCountsAsync(string connector, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<StatusCount>(new CommandDefinition(db.Sql(CountsSql), new { connector }, cancellationToken: ct))).ToDictionary(c => c.Status, c => c.Count);
    }
}
