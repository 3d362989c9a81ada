using Dapper;

namespace ContactHub.Data;

/// <summary>Cursors of the ingest jobs (last IMAP UID, Graph delta link, call-record window), one row per source.</summary>
public sealed class SyncStateStore(Db db, TimeProvider clock)
{
    private const string GetSql = "SELECT value FROM sync_state WHERE name = @name";

    public async Task<string?> GetAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(db.Sql(GetSql), new { name }, cancellationToken: ct));
    }

    private const string UpdateSql = "UPDATE sync_state SET value = @value, updated_at = @now WHERE name = @name";

    private const string InsertSql = """
        INSERT INTO sync_state (name, value, updated_at)
        SELECT @name, @value, @now WHERE NOT EXISTS (SELECT 1 FROM sync_state {LOCK} WHERE name = @name) {ON_CONFLICT_IGNORE}
        """;

    public Task SetAsync(string name, string? value, CancellationToken ct = default) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var args = new { name, value, now = clock.GetUtcNow() };
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, tx, cancellationToken: ct)) == 0
                && await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), args, tx, cancellationToken: ct)) == 0)
                throw new ConcurrencyConflictException("The sync state row was created concurrently.");
            return 0;
        }, ct);
}
