using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.Contacts;

public static class ConsentStatus
{
    public const string OptedIn = "opted_in";
    public const string OptedOut = "opted_out";
}

public sealed record Consent(string Channel, string Status, string? Source, DateTimeOffset UpdatedAt);

/// <summary>Per contact and channel: has the customer said STOP (or START again)? Campaigns and marketing sends obey it.</summary>
public sealed class ConsentStore(Db db, EventLog events, TimeProvider clock)
{
    private const string UpdateSql = """
        UPDATE consents SET status = @status, source = @source, updated_at = @now WHERE contact_id = @contactId AND channel = @channel
        """;

    private const string InsertSql = """
        INSERT INTO consents (contact_id, channel, status, source, updated_at)
        SELECT @contactId, @channel, @status, @source, @now
        WHERE NOT EXISTS (SELECT 1 FROM consents {LOCK} WHERE contact_id = @contactId AND channel = @channel)
        {ON_CONFLICT_IGNORE}
        """;

    private const string StatusSql = "SELECT status FROM consents WHERE contact_id = @contactId AND channel = @channel";

    /// <summary>Records the customer's choice; consent.changed is told only when the status moved (a second STOP is no change).</summary>
    public Task SetAsync(long contactId, string channel, string status, string source, CancellationToken ct = default) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var args = new { contactId, channel, status, source, now = clock.GetUtcNow() };
            var previous = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(StatusSql, args, tx, cancellationToken: ct));
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, tx, cancellationToken: ct)) == 0
                && await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), args, tx, cancellationToken: ct)) == 0)
                throw new ConcurrencyConflictException("The consent row was created concurrently.");
            if (previous != status)
                await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ConsentChanged, contactId,
                    new { contactId, channel, status, previousStatus = previous, source }) { Channel = channel, Changed = ["status"] }, ct);
            return 0;
        }, ct);

    private const string ListSql = "SELECT channel, status, source, updated_at FROM consents WHERE contact_id = @contactId ORDER BY channel";

    public async Task<IReadOnlyList<Consent>> ListAsync(long contactId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Consent>(new CommandDefinition(db.Sql(ListSql), new { contactId }, cancellationToken: ct))).ToList();
    }

    /// <summary>False only when the customer opted out of this channel; no record means no objection.</summary>
    public async Task<bool> AllowsAsync(long contactId, string channel, CancellationToken ct = default) =>
        (await ListAsync(contactId, ct)).All(c => c.Channel != channel || c.Status != ConsentStatus.OptedOut);
}
