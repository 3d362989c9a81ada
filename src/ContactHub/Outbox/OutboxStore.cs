using System.Data.Common;
using System.Text.Json;
using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.Outbox;

/// <summary>
/// The durable queue: a row is written in the same transaction as its outbound interaction, then
/// claimed by exactly one dispatcher (a conditional UPDATE: the node whose update changed the row owns it).
/// </summary>
public sealed class OutboxStore(Db db, EventLog events, TimeProvider clock)
{
    private const string EnqueueSql = """
        INSERT INTO outbox (interaction_id, channel, payload, status, attempts, next_attempt_at, created_at) {OUTPUT_ID}
        VALUES (@interactionId, @channel, @payload, 'pending', 0, @now, @now) {RETURNING_ID}
        """;

    public async Task<long> EnqueueAsync(DbConnection connection, DbTransaction transaction, long interactionId, string channel, OutboxPayload payload, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(EnqueueSql),
            new { interactionId, channel, payload = JsonSerializer.Serialize(payload), now = clock.GetUtcNow() }, transaction, cancellationToken: ct));

    private const string DueSql = """
        SELECT id FROM outbox
        WHERE status = 'pending' AND next_attempt_at <= @now AND (locked_until IS NULL OR locked_until < @now)
        ORDER BY next_attempt_at, id {LIMIT:@limit}
        """;

    private const string ClaimSql = """
        UPDATE outbox SET locked_by = @node, locked_until = @until, attempts = attempts + 1
        WHERE id = @id AND status = 'pending' AND (locked_until IS NULL OR locked_until < @now)
        """;

    private const string LoadSql = """
        SELECT o.id, o.interaction_id, o.channel, o.payload, o.attempts, i.contact_id
        FROM outbox o JOIN interactions i ON i.id = o.interaction_id
        WHERE o.id = @id
        """;

    /// <summary>Claims up to <paramref name="limit"/> due messages for this node.</summary>
    public async Task<IReadOnlyList<OutboxItem>> ClaimAsync(string node, int limit, TimeSpan lockFor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        var due = (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(DueSql), new { now, limit }, cancellationToken: ct))).ToList();
        var claimed = new List<OutboxItem>(due.Count);
        foreach (var id in due)
        {
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(ClaimSql), new { id, node, now, until = now + lockFor }, cancellationToken: ct)) == 1)
                claimed.Add(await connection.QuerySingleAsync<OutboxItem>(new CommandDefinition(db.Sql(LoadSql), new { id }, cancellationToken: ct)));
        }
        return claimed;
    }

    private const string SentSql = """
        UPDATE outbox SET status = 'sent', sent_at = @now, locked_by = NULL, locked_until = NULL, last_error = NULL
        WHERE id = @id AND locked_by = @node
        """;

    private const string InteractionSentSql = """
        UPDATE interactions SET status = CASE WHEN status = 'queued' THEN 'sent' ELSE status END,
            provider_ref = COALESCE(provider_ref, @providerRef), error = NULL, updated_at = @now
        WHERE id = @interactionId
        """;

    public Task MarkSentAsync(OutboxItem item, string node, string? providerRef, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(SentSql), new { id = item.Id, node, now }, tx, cancellationToken: ct));
            var before = await StatusAsync(connection, tx, item, ct);
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InteractionSentSql), new { interactionId = item.InteractionId, providerRef, now }, tx, cancellationToken: ct));
            if (before.Status == "queued") await StatusChangedAsync(connection, tx, item, before, "sent", null, ct);
            return 0;
        }, ct);

    private const string InteractionStatusSql = "SELECT conversation_id, status FROM interactions WHERE id = @interactionId";

    private sealed record Before(long ConversationId, string? Status);

    private static async Task<Before> StatusAsync(DbConnection connection, DbTransaction tx, OutboxItem item, CancellationToken ct) =>
        await connection.QuerySingleAsync<Before>(new CommandDefinition(InteractionStatusSql, new { interactionId = item.InteractionId }, tx, cancellationToken: ct));

    private Task StatusChangedAsync(DbConnection connection, DbTransaction tx, OutboxItem item, Before before, string status, string? error, CancellationToken ct) =>
        events.AppendAsync(connection, tx, new NewEvent(EventTypes.InteractionStatusChanged, item.ContactId, new
        {
            interactionId = item.InteractionId, conversationId = before.ConversationId, contactId = item.ContactId, status, previousStatus = before.Status, error,
        }) { ConversationId = before.ConversationId, InteractionId = item.InteractionId, Channel = item.Channel, Changed = ["status"] }, ct);

    private const string RetrySql = """
        UPDATE outbox SET locked_by = NULL, locked_until = NULL, next_attempt_at = @next, last_error = @error
        WHERE id = @id AND locked_by = @node
        """;

    public async Task RetryLaterAsync(OutboxItem item, string node, DateTimeOffset next, string error, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(RetrySql), new { id = item.Id, node, next, error = Clip(error) }, cancellationToken: ct));
    }

    private const string FailSql = """
        UPDATE outbox SET status = 'failed', locked_by = NULL, locked_until = NULL, last_error = @error
        WHERE id = @id AND locked_by = @node
        """;

    private const string InteractionFailedSql = "UPDATE interactions SET status = 'failed', error = @error, updated_at = @now WHERE id = @interactionId";

    public Task MarkFailedAsync(OutboxItem item, string node, string error, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(FailSql), new { id = item.Id, node, error = Clip(error) }, tx, cancellationToken: ct));
            var before = await StatusAsync(connection, tx, item, ct);
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InteractionFailedSql),
                new { interactionId = item.InteractionId, error = Clip(error), now = clock.GetUtcNow() }, tx, cancellationToken: ct));
            if (before.Status != "failed") await StatusChangedAsync(connection, tx, item, before, "failed", Clip(error), ct);
            return 0;
        }, ct);

    private static string Clip(string error) => error.Length <= 500 ? error : error[..500];
}
