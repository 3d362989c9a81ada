using ContactHub.Data;
using Dapper;

namespace ContactHub.Events;

/// <summary>Webhook subscriptions. A new one starts at the head of the log: it receives what happens from then on.</summary>
public sealed class SubscriptionStore(Db db, EventLog log, TimeProvider clock)
{
    internal const string Columns = """
        SELECT id, url, event_types, secret, channel, agent, changed_fields, description, status, disabled_reason, failing_since, cursor_position, created_at, updated_at
        FROM event_subscriptions
        """;

    private const string InsertSql = """
        INSERT INTO event_subscriptions (url, event_types, secret, channel, agent, changed_fields, description, status, cursor_position, created_at, updated_at) {OUTPUT_ID}
        VALUES (@url, @types, @secret, @channel, @agent, @fields, @description, 'active', @cursor, @now, @now) {RETURNING_ID}
        """;

    public async Task<long> CreateAsync(SubscriptionInput input, string secret, CancellationToken ct)
    {
        var cursor = await log.HeadAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertSql), Args(input, new { secret, cursor }), cancellationToken: ct));
    }

    public async Task<SubscriptionRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SubscriptionRow>(new CommandDefinition(Columns + " WHERE id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<SubscriptionRow>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(Columns + " ORDER BY id", cancellationToken: ct))).AsList();
    }

    private const string UpdateSql = """
        UPDATE event_subscriptions SET url = @url, event_types = @types, channel = @channel, agent = @agent, changed_fields = @fields, description = @description,
            secret = COALESCE(@secret, secret), updated_at = @now
        WHERE id = @id
        """;

    public async Task<bool> UpdateAsync(long id, SubscriptionInput input, string? secret, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), Args(input, new { id, secret }), cancellationToken: ct)) == 1;
    }

    // Enabling again clears the failure record; the events that waited are then delivered, in order.
    private const string StatusSql = """
        UPDATE event_subscriptions SET status = @status, disabled_reason = @reason,
            failing_since = CASE WHEN @status = 'active' THEN NULL ELSE failing_since END, updated_at = @now
        WHERE id = @id
        """;

    public async Task<bool> SetStatusAsync(long id, string status, string? reason, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(StatusSql), new { id, status, reason, now = clock.GetUtcNow() }, cancellationToken: ct)) == 1;
    }

    private const string DeleteDeliveriesSql = "DELETE FROM event_deliveries WHERE subscription_id = @id";
    private const string DeleteSql = "DELETE FROM event_subscriptions WHERE id = @id";

    public Task<bool> DeleteAsync(long id, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteDeliveriesSql, new { id }, tx, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { id }, tx, cancellationToken: ct)) == 1;
        }, ct);

    private object Args(SubscriptionInput input, object extra)
    {
        var args = new DynamicParameters(extra);
        args.AddDynamicParams(new
        {
            url = input.Url, types = string.Join(',', input.Events), channel = input.Channel, agent = input.Agent,
            fields = input.ChangedFields.Count == 0 ? null : string.Join(',', input.ChangedFields), description = input.Description, now = clock.GetUtcNow(),
        });
        return args;
    }
}
