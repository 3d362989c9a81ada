using ContactHub.Data;
using Dapper;

namespace ContactHub.Events;

/// <summary>
/// Webhook deliveries: a row per (subscription, event), made by <see cref="FanOutAsync"/> from the subscription's cursor in the
/// log and claimed by one node at a time (a conditional UPDATE). A contact's rows go one after the other: a row is due only when
/// no earlier row of the same subscription and contact is still pending.
/// </summary>
public sealed class DeliveryStore(Db db, TimeProvider clock)
{
    private const int FanOutBatch = 500;

    private const string ActiveSql = "SELECT id FROM event_subscriptions WHERE status = 'active' ORDER BY id";

    public async Task<IReadOnlyList<long>> ActiveSubscriptionsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(ActiveSql, cancellationToken: ct))).AsList();
    }

    // Locks the subscription's row for the transaction: two nodes fanning out the same subscription take turns.
    private const string LockSql = "UPDATE event_subscriptions SET cursor_position = cursor_position WHERE id = @id AND status = 'active'";

    private const string SubscriptionSql = SubscriptionStore.Columns + " WHERE id = @id";

    private const string EventsAfterSql = """
        SELECT id, position, type, contact_id, channel, agent, changed, data, occurred_at FROM events
        WHERE position > @after ORDER BY position {LIMIT:@limit}
        """;

    private const string InsertSql = """
        INSERT INTO event_deliveries (subscription_id, event_id, position, contact_key, status, attempts, next_attempt_at, created_at)
        VALUES (@subscriptionId, @eventId, @position, @contactKey, 'pending', 0, @now, @now)
        """;

    private const string AdvanceSql = "UPDATE event_subscriptions SET cursor_position = @cursor WHERE id = @id";

    /// <summary>Makes the deliveries of the events after the subscription's cursor that it asked for; returns how many events were read.</summary>
    public Task<int> FanOutAsync(long subscriptionId, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            if (await connection.ExecuteAsync(new CommandDefinition(LockSql, new { id = subscriptionId }, tx, cancellationToken: ct)) == 0) return 0;
            var subscription = await connection.QuerySingleAsync<SubscriptionRow>(new CommandDefinition(SubscriptionSql, new { id = subscriptionId }, tx, cancellationToken: ct));
            var events = (await connection.QueryAsync<EventRow>(new CommandDefinition(db.Sql(EventsAfterSql),
                new { after = subscription.CursorPosition, limit = FanOutBatch }, tx, cancellationToken: ct))).AsList();
            if (events.Count == 0) return 0;
            var now = clock.GetUtcNow();
            foreach (var e in events.Where(subscription.Wants))
                await db.Prepared(connection, tx, InsertSql, ("subscriptionId", subscriptionId), ("eventId", e.Id), ("position", e.Position),
                    ("contactKey", e.ContactId ?? 0), ("now", now)).ExecuteNonQueryAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(AdvanceSql, new { id = subscriptionId, cursor = events[^1].Position }, tx, cancellationToken: ct));
            return events.Count;
        }, ct);

    private const string DueSql = """
        SELECT d.id FROM event_deliveries d JOIN event_subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND s.status = 'active' AND d.next_attempt_at <= @now AND (d.locked_until IS NULL OR d.locked_until < @now)
          AND NOT EXISTS (SELECT 1 FROM event_deliveries e
                          WHERE e.subscription_id = d.subscription_id AND e.contact_key = d.contact_key AND e.status = 'pending' AND e.position < d.position)
        ORDER BY d.next_attempt_at, d.id {LIMIT:@limit}
        """;

    private const string ClaimSql = """
        UPDATE event_deliveries SET locked_by = @node, locked_until = @until, attempts = attempts + 1, last_attempt_at = @now
        WHERE id = @id AND status = 'pending' AND (locked_until IS NULL OR locked_until < @now)
        """;

    private const string LoadSql = """
        SELECT d.id AS delivery_id, d.attempts, s.id AS subscription_id, s.url, s.secret, s.failing_since,
            e.id AS event_id, e.position, e.type, e.contact_id, e.data, e.occurred_at
        FROM event_deliveries d JOIN event_subscriptions s ON s.id = d.subscription_id JOIN events e ON e.id = d.event_id
        WHERE d.id = @id
        """;

    /// <summary>A claimed delivery with what sending it needs.</summary>
    public sealed record Claimed(long DeliveryId, long Attempts, long SubscriptionId, string Url, string Secret, DateTimeOffset? FailingSince,
        long EventId, long Position, string Type, long? ContactId, string Data, DateTimeOffset OccurredAt)
    {
        public EventRow Event => new(EventId, Position, Type, ContactId, null, null, null, Data, OccurredAt);
    }

    public async Task<IReadOnlyList<Claimed>> ClaimAsync(string node, int limit, TimeSpan lockFor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        var due = (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(DueSql), new { now, limit }, cancellationToken: ct))).AsList();
        var claimed = new List<Claimed>(due.Count);
        foreach (var id in due)
        {
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(ClaimSql), new { id, node, now, until = now + lockFor }, cancellationToken: ct)) == 1
                && await connection.QuerySingleOrDefaultAsync<Claimed>(new CommandDefinition(LoadSql, new { id }, cancellationToken: ct)) is { } item)
                claimed.Add(item);
        }
        return claimed;
    }

    private const string DeliveredSql = """
        UPDATE event_deliveries SET status = 'delivered', delivered_at = @now, locked_by = NULL, locked_until = NULL, last_status_code = @code, last_error = NULL
        WHERE id = @id AND locked_by = @node
        """;

    private const string HealthySql = "UPDATE event_subscriptions SET failing_since = NULL WHERE id = @subscriptionId AND failing_since IS NOT NULL";

    public Task DeliveredAsync(Claimed item, string node, int code, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(DeliveredSql, new { id = item.DeliveryId, node, now, code }, tx, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition(HealthySql, new { subscriptionId = item.SubscriptionId }, tx, cancellationToken: ct));
        }, ct);

    private const string RetrySql = """
        UPDATE event_deliveries SET locked_by = NULL, locked_until = NULL, next_attempt_at = @next, last_status_code = @code, last_error = @error
        WHERE id = @id AND locked_by = @node
        """;

    private const string FailingSql = """
        UPDATE event_subscriptions SET failing_since = @now WHERE id = @subscriptionId AND failing_since IS NULL
        """;

    private const string DisableSql = """
        UPDATE event_subscriptions SET status = 'disabled', disabled_reason = @reason, updated_at = @now
        WHERE id = @subscriptionId AND status = 'active' AND failing_since IS NOT NULL AND failing_since <= @failingBefore
        """;

    /// <summary>A failed attempt: the delivery waits for <paramref name="next"/>; a subscription failing since before <paramref name="disableBefore"/> is disabled. True when it was.</summary>
    public Task<bool> FailedAsync(Claimed item, string node, int? code, string error, DateTimeOffset next, DateTimeOffset disableBefore, string reason, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(RetrySql, new { id = item.DeliveryId, node, next, code, error = Clip(error) }, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(FailingSql, new { subscriptionId = item.SubscriptionId, now }, tx, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition(DisableSql,
                new { subscriptionId = item.SubscriptionId, now, failingBefore = disableBefore, reason = Clip(reason) }, tx, cancellationToken: ct)) == 1;
        }, ct);

    private const string ListSql = """
        SELECT id, subscription_id, event_id, position, contact_key, status, attempts, next_attempt_at, last_status_code, last_error, created_at, last_attempt_at, delivered_at
        FROM event_deliveries WHERE subscription_id = @subscriptionId AND (@status IS NULL OR status = @status) AND id < @before
        ORDER BY id DESC {LIMIT:@limit}
        """;

    public async Task<IReadOnlyList<EventDelivery>> ListAsync(long subscriptionId, string? status, long before, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<EventDelivery>(new CommandDefinition(db.Sql(ListSql), new { subscriptionId, status, before, limit }, cancellationToken: ct))).AsList();
    }

    private const string RetryNowSql = """
        UPDATE event_deliveries SET status = 'pending', next_attempt_at = @now, locked_by = NULL, locked_until = NULL
        WHERE id = @id AND subscription_id = @subscriptionId AND (locked_until IS NULL OR locked_until < @now)
        """;

    /// <summary>Sends a delivery again now, delivered or not (the same webhook-id: a receiver that keeps ids ignores a repeat).</summary>
    public async Task<bool> RetryNowAsync(long subscriptionId, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(RetryNowSql), new { id, subscriptionId, now = clock.GetUtcNow() }, cancellationToken: ct)) == 1;
    }

    private static string Clip(string text) => text.Length <= 500 ? text : text[..500];
}
