using ContactHub.Contacts;
using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.Conversations;

public sealed class ConversationStore(Db db, EventLog events, WrapUpCodeStore wrapUps, TagStore tags, TimeProvider clock)
{
    /// <summary>The select list of <see cref="ConversationRow"/>; queries elsewhere append their WHERE to it.</summary>
    internal const string Columns = """
        SELECT cv.id, cv.contact_id, c.display_name AS contact_name, cv.status, cv.started_at, cv.ended_at, cv.last_activity_at,
               cv.agent, cv.subject, cv.summary, cv.channels, cv.last_channel, cv.interaction_count
        FROM conversations cv JOIN contacts c ON c.id = cv.contact_id
        """ + "\n";

    private const string ListSql = Columns + """
        WHERE cv.status = @status AND (@agent IS NULL OR cv.agent = @agent) AND (@channelLike IS NULL OR cv.channels LIKE @channelLike)
        ORDER BY cv.last_activity_at DESC, cv.id DESC {LIMIT:@limit}
        """;

    /// <summary>The active conversations list (or the ended ones), most recent activity first.</summary>
    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(string status, string? agent, string? channel, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ConversationRow>(new CommandDefinition(db.Sql(ListSql),
            new { status, agent, channelLike = channel is null ? null : $"%,{channel},%", limit }, cancellationToken: ct));
        return rows.Select(r => r.ToSummary()).ToList();
    }

    private const string GetSql = Columns + " WHERE cv.id = @id";

    private const string InteractionsSql = """
        SELECT id, conversation_id, contact_id, channel, direction, occurred_at, ended_at, duration_seconds, agent, status, subject, body,
               provider, provider_ref, metadata, error
        FROM interactions WHERE conversation_id = @id ORDER BY occurred_at, id
        """;

    private const string NotesSql = "SELECT id, conversation_id, author, body, created_at FROM conversation_notes WHERE conversation_id = @id ORDER BY created_at, id";

    public async Task<ConversationSummary?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<ConversationRow>(new CommandDefinition(db.Sql(GetSql), new { id }, cancellationToken: ct)))?.ToSummary();
    }

    /// <summary>The selected conversation's documents: every interaction across channels in order, and the notes.</summary>
    public async Task<ConversationDetail?> GetDetailAsync(long id, CancellationToken ct = default)
    {
        ConversationRow? row;
        IEnumerable<InteractionView> interactions;
        IEnumerable<Note> notes;
        // The connection goes back before the wrap-ups and tags take one each: never two held at once (see ConnectionPoolTests).
        await using (var connection = await db.OpenAsync(ct))
        {
            row = await connection.QuerySingleOrDefaultAsync<ConversationRow>(new CommandDefinition(db.Sql(GetSql), new { id }, cancellationToken: ct));
            if (row is null) return null;
            interactions = await connection.QueryAsync<InteractionView>(new CommandDefinition(db.Sql(InteractionsSql), new { id }, cancellationToken: ct));
            notes = await connection.QueryAsync<Note>(new CommandDefinition(db.Sql(NotesSql), new { id }, cancellationToken: ct));
        }
        return new ConversationDetail(row.ToSummary(), interactions.ToList(), notes.ToList(), await wrapUps.AppliedAsync([id], ct),
            await tags.ListAsync(TagTarget.Conversation, id, ct));
    }

    private const string InsertSql = """
        INSERT INTO conversations (contact_id, status, started_at, last_activity_at, agent, subject, channels, interaction_count) {OUTPUT_ID}
        SELECT id, 'active', @now, @now, @agent, @subject, '', 0 FROM contacts WHERE id = @contactId AND merged_into_id IS NULL AND erased_at IS NULL
        {RETURNING_ID}
        """;

    /// <summary>Starts a conversation for a known contact (e.g. an agent's outbound call); null when the contact is unknown.</summary>
    public Task<long?> StartAsync(long contactId, string? agent, string? subject, CancellationToken ct = default) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(InsertSql), new { contactId, agent, subject, now }, tx, cancellationToken: ct));
            if (id is { } conversationId)
                await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ConversationStarted, contactId,
                    new { conversationId, contactId, agent, startedAt = now, ended = false }) { ConversationId = conversationId, Agent = agent }, ct);
            return id;
        }, ct);

    private const string InsertNoteSql = """
        INSERT INTO conversation_notes (conversation_id, contact_id, author, body, created_at) {OUTPUT_ID}
        SELECT id, contact_id, @author, @body, @now FROM conversations WHERE id = @id
        {RETURNING_ID}
        """;

    public async Task<Note?> AddNoteAsync(long id, string? author, string body, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        var noteId = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(InsertNoteSql), new { id, author, body, now }, cancellationToken: ct));
        return noteId is { } n ? new Note(n, id, author, body, now) : null;
    }

    private const string CurrentSql = "SELECT contact_id, agent, status, last_channel, ended_at FROM conversations WHERE id = @id";

    private sealed record Current(long ContactId, string? Agent, string Status, string? LastChannel, DateTimeOffset? EndedAt);

    private const string AssignSql = "UPDATE conversations SET agent = @agent WHERE id = @id";

    /// <summary>Gives the conversation to an agent; false when it does not exist. Giving it to the agent it has already changes nothing.</summary>
    public Task<bool> AssignAsync(long id, string agent, CancellationToken ct = default) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            if (await connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(CurrentSql, new { id }, tx, cancellationToken: ct)) is not { } current) return false;
            if (current.Agent == agent) return true;
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(AssignSql), new { id, agent }, tx, cancellationToken: ct));
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ConversationAssigned, current.ContactId,
                new { conversationId = id, contactId = current.ContactId, agent, previousAgent = current.Agent })
            { ConversationId = id, Agent = agent, Channel = current.LastChannel, Changed = ["agent"] }, ct);
            return true;
        }, ct);

    private const string EndSql = """
        UPDATE conversations SET status = 'ended', ended_at = @now, summary = COALESCE(@summary, summary)
        WHERE id = @id AND status = 'active'
        """;

    /// <summary>
    /// Ends an active conversation with its wrap-up codes (checked by the caller: <see cref="WrapUpCodeStore.UnknownAsync"/>); false when it does not
    /// exist, has already ended, or a code was retired meanwhile (nothing is changed then).
    /// </summary>
    public Task<bool> EndAsync(long id, string? summary, CancellationToken ct = default, IReadOnlyList<string>? wrapUpCodes = null, string? endedBy = null) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            var (codes, unknown) = await wrapUps.ResolveAsync(connection, tx, wrapUpCodes ?? [], ct);
            if (unknown.Count > 0) return false;
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(EndSql), new { id, summary, now }, tx, cancellationToken: ct)) == 0) return false;
            await wrapUps.ApplyAsync(connection, tx, id, null, codes, endedBy, ct);
            var current = await connection.QuerySingleAsync<Current>(new CommandDefinition(CurrentSql, new { id }, tx, cancellationToken: ct));
            await events.AppendAsync(connection, tx, Ended(id, current, now, "agent", codes.Select(c => c.Code).ToList()), ct);
            return true;
        }, ct);

    /// <summary>Gives a conversation (or one of its interactions) more wrap-up codes, ended or not; the codes added (none: it had them all).</summary>
    public Task<IReadOnlyList<string>?> WrapUpAsync(long id, long? interactionId, IReadOnlyList<string> wrapUpCodes, string? appliedBy, CancellationToken ct = default) =>
        db.InTransactionAsync<IReadOnlyList<string>?>(async (connection, tx) =>
        {
            if (await connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(CurrentSql, new { id }, tx, cancellationToken: ct)) is not { } current) return null;
            var (codes, unknown) = await wrapUps.ResolveAsync(connection, tx, wrapUpCodes, ct);
            if (unknown.Count > 0) return null;
            var added = await wrapUps.ApplyAsync(connection, tx, id, interactionId, codes, appliedBy, ct);
            if (added.Count > 0)
                await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ConversationWrappedUp, current.ContactId,
                    new { conversationId = id, contactId = current.ContactId, interactionId, wrapUpCodes = added, appliedBy })
                { ConversationId = id, InteractionId = interactionId, Agent = current.Agent, Channel = current.LastChannel }, ct);
            return added;
        }, ct);

    // Oldest first, in the order of ix_conversations_status: ordered by id, PostgreSQL read the whole table by its primary key
    // for want of knowing how few conversations are active (0023 keeps no statistics for status) — 0.1 s a run at 600k.
    private const string IdleSql = """
        SELECT id FROM conversations WHERE status = 'active' AND last_activity_at < @cutoff ORDER BY last_activity_at, id {LIMIT:@limit}
        """;

    private const string EndIdleSql = """
        UPDATE conversations SET status = 'ended', ended_at = last_activity_at
        WHERE id = @id AND status = 'active' AND last_activity_at < @cutoff
        """;

    /// <summary>Ends conversations idle since before the cutoff; they end at their last activity, each with its conversation.ended event.</summary>
    public async Task<int> EndIdleAsync(DateTimeOffset cutoff, CancellationToken ct = default)
    {
        const int batch = 500;
        var total = 0;
        while (true)
        {
            var (seen, ended) = await db.InTransactionAsync(async (connection, tx) =>
            {
                var ids = (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(IdleSql), new { cutoff, limit = batch }, tx, cancellationToken: ct))).AsList();
                var count = 0;
                foreach (var id in ids)
                {
                    if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(EndIdleSql), new { id, cutoff }, tx, cancellationToken: ct)) == 0) continue;
                    var current = await connection.QuerySingleAsync<Current>(new CommandDefinition(CurrentSql, new { id }, tx, cancellationToken: ct));
                    await events.AppendAsync(connection, tx, Ended(id, current, current.EndedAt!.Value, "idle", []), ct);
                    count++;
                }
                return (ids.Count, count);
            }, ct);
            total += ended;
            if (seen < batch) return total;
        }
    }

    private static NewEvent Ended(long id, Current current, DateTimeOffset endedAt, string reason, IReadOnlyList<string> wrapUpCodes) =>
        new(EventTypes.ConversationEnded, current.ContactId, new { conversationId = id, contactId = current.ContactId, endedAt, reason, agent = current.Agent, wrapUpCodes })
        { ConversationId = id, Agent = current.Agent, Channel = current.LastChannel };
}
