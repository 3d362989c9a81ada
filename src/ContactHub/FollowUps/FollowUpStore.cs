using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.FollowUps;

public static class FollowUpStatus
{
    public const string Open = "open";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
    public static readonly IReadOnlyList<string> All = [Open, Done, Cancelled];
}

public sealed record FollowUp(long Id, long ContactId, long? ConversationId, string Title, string? Notes, string? AssignedTo, DateTimeOffset? DueAt,
    string Status, string? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, long? CompletedInteractionId);

public sealed record FollowUpFilter(string? Status, string? AssignedTo, long? ContactId, DateTimeOffset? DueFrom, DateTimeOffset? DueBefore, int Limit);

public sealed class FollowUpStore(Db db, EventLog events, TimeProvider clock)
{
    private const string Columns = """
        SELECT id, contact_id, conversation_id, title, notes, assigned_to, due_at, status, created_by, created_at, completed_at, completed_interaction_id
        FROM follow_ups
        """ + "\n";

    private const string InsertSql = """
        INSERT INTO follow_ups (contact_id, conversation_id, title, notes, assigned_to, due_at, status, created_by, created_at) {OUTPUT_ID}
        SELECT c.id, @conversationId, @title, @notes, @assignedTo, @dueAt, 'open', @createdBy, @now
        FROM contacts c
        WHERE c.id = @contactId AND c.merged_into_id IS NULL AND c.erased_at IS NULL
          AND (@conversationId IS NULL OR EXISTS (SELECT 1 FROM conversations cv WHERE cv.id = @conversationId AND cv.contact_id = c.id))
        {RETURNING_ID}
        """;

    /// <summary>Null when the contact does not exist or the conversation is not the contact's.</summary>
    public Task<long?> CreateAsync(long contactId, long? conversationId, string title, string? notes, string? assignedTo, DateTimeOffset? dueAt, string? createdBy, CancellationToken ct) =>
        db.InTransactionAsync((connection, tx) => CreateAsync(connection, tx, contactId, conversationId, title, notes, assignedTo, dueAt, createdBy, ct), ct);

    /// <summary>Inside the caller's transaction (a follow-up that belongs with another change).</summary>
    public async Task<long?> CreateAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, long contactId, long? conversationId, string title,
        string? notes, string? assignedTo, DateTimeOffset? dueAt, string? createdBy, CancellationToken ct)
    {
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(InsertSql),
            new { contactId, conversationId, title, notes, assignedTo, dueAt, createdBy, now = clock.GetUtcNow() }, tx, cancellationToken: ct));
        if (id is { } followUpId)
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.FollowUpCreated, contactId,
                new { followUpId, contactId, conversationId, assignedTo, dueAt, createdBy }) { ConversationId = conversationId, Agent = assignedTo }, ct);
        return id;
    }

    private const string GetSql = Columns + "WHERE id = @id";

    public async Task<FollowUp?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<FollowUp>(new CommandDefinition(db.Sql(GetSql), new { id }, cancellationToken: ct));
    }

    private const string ListSql = Columns + """
        WHERE (@status IS NULL OR status = @status) AND (@assignedTo IS NULL OR assigned_to = @assignedTo) AND (@contactId IS NULL OR contact_id = @contactId)
          AND (@dueFrom IS NULL OR due_at >= @dueFrom) AND (@dueBefore IS NULL OR due_at < @dueBefore)
        ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, id {LIMIT:@limit}
        """;

    public async Task<IReadOnlyList<FollowUp>> ListAsync(FollowUpFilter filter, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<FollowUp>(new CommandDefinition(db.Sql(ListSql), new
        {
            status = filter.Status, assignedTo = filter.AssignedTo, contactId = filter.ContactId, dueFrom = filter.DueFrom, dueBefore = filter.DueBefore, limit = filter.Limit,
        }, cancellationToken: ct))).ToList();
    }

    private const string UpdateSql = """
        UPDATE follow_ups SET
            status = COALESCE(@status, status), title = COALESCE(@title, title), notes = COALESCE(@notes, notes),
            assigned_to = COALESCE(@assignedTo, assigned_to), due_at = COALESCE(@dueAt, due_at),
            completed_at = CASE WHEN @status = 'done' THEN @now WHEN @status = 'open' THEN NULL ELSE completed_at END,
            completed_interaction_id = CASE WHEN @status = 'open' THEN NULL ELSE COALESCE(@completedInteractionId, completed_interaction_id) END
        WHERE id = @id
        """;

    private const string InteractionOwnerSql = "SELECT contact_id FROM interactions WHERE id = @id";

    public async Task<long?> InteractionContactAsync(long interactionId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(InteractionOwnerSql), new { id = interactionId }, cancellationToken: ct));
    }

    private const string StateSql = "SELECT contact_id, conversation_id, status, assigned_to, completed_interaction_id FROM follow_ups WHERE id = @id";

    private sealed record State(long ContactId, long? ConversationId, string Status, string? AssignedTo, long? CompletedInteractionId);

    /// <summary>Changes a task; the change that marks it done is told as follow-up.completed.</summary>
    public Task<bool> UpdateAsync(long id, string? status, string? title, string? notes, string? assignedTo, DateTimeOffset? dueAt, long? completedInteractionId, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            if (await connection.QuerySingleOrDefaultAsync<State>(new CommandDefinition(StateSql, new { id }, tx, cancellationToken: ct)) is not { } before) return false;
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql),
                new { id, status, title, notes, assignedTo, dueAt, completedInteractionId, now }, tx, cancellationToken: ct));
            if (status == FollowUpStatus.Done && before.Status != FollowUpStatus.Done)
                await events.AppendAsync(connection, tx, new NewEvent(EventTypes.FollowUpCompleted, before.ContactId, new
                {
                    followUpId = id, contactId = before.ContactId, conversationId = before.ConversationId, completedAt = now,
                    completedByInteractionId = completedInteractionId ?? before.CompletedInteractionId, assignedTo = assignedTo ?? before.AssignedTo,
                }) { ConversationId = before.ConversationId, Agent = assignedTo ?? before.AssignedTo, Changed = ["status"] }, ct);
            return true;
        }, ct);
}
