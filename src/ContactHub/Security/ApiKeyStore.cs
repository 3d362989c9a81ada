using ContactHub.Data;
using Dapper;

namespace ContactHub.Security;

public sealed class ApiKeyStore(Db db, TimeProvider clock)
{
    private const string InsertSql = """
        INSERT INTO api_keys (name, key_prefix, key_hash, salt, scopes, created_at) {OUTPUT_ID}
        VALUES (@name, @prefix, @hash, @salt, @scopes, @now) {RETURNING_ID}
        """;

    /// <summary>Creates a key and returns its plaintext, which is never stored and cannot be shown again.</summary>
    public async Task<(long Id, string Plaintext)> CreateAsync(string name, IEnumerable<string> scopes, CancellationToken ct = default)
    {
        var (plaintext, prefix, salt, hash) = ApiKey.Generate();
        await using var connection = await db.OpenAsync(ct);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertSql),
            new { name, prefix, hash, salt, scopes = string.Join(' ', scopes), now = clock.GetUtcNow() }, cancellationToken: ct));
        return (id, plaintext);
    }

    private const string FindSql = """
        SELECT id, name, key_prefix, key_hash, salt, scopes, created_at, revoked_at
        FROM api_keys WHERE key_prefix = @prefix
        """;

    public async Task<ApiKeyRow?> FindAsync(string prefix, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(db.Sql(FindSql), new { prefix }, cancellationToken: ct));
    }

    /// <summary>The key a caller presented, when it is well-formed, known, not revoked and its secret matches; otherwise null.</summary>
    public async Task<ApiKeyRow?> VerifyAsync(string? presented, CancellationToken ct = default)
    {
        if (!ApiKey.TryParse(presented, out var prefix, out var secret)) return null;
        var row = await FindAsync(prefix, ct);
        return row is { RevokedAt: null } && ApiKey.Verify(secret, row.Salt, row.KeyHash) ? row : null;
    }

    private const string ListSql = """
        SELECT id, name, key_prefix, key_hash, salt, scopes, created_at, revoked_at
        FROM api_keys ORDER BY id
        """;

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ApiKeyRow>(new CommandDefinition(db.Sql(ListSql), cancellationToken: ct));
        return rows.Select(r => new ApiKeyInfo(r.Id, r.Name, r.KeyPrefix, r.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), r.CreatedAt, r.RevokedAt)).ToList();
    }

    private const string CountActiveSql = "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL";

    public async Task<long> CountActiveAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(CountActiveSql), cancellationToken: ct));
    }

    private const string RevokeSql = """
        UPDATE api_keys SET revoked_at = @now
        WHERE revoked_at IS NULL AND (key_prefix = @key OR name = @key OR CAST(id AS VARCHAR(20)) = @key)
        """;

    /// <summary>Revokes by id, name or prefix; returns how many keys were revoked.</summary>
    public async Task<int> RevokeAsync(string key, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(RevokeSql), new { key, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    private const string RevokeByIdSql = "UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL";

    public async Task<bool> RevokeAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(RevokeByIdSql), new { id, now = clock.GetUtcNow() }, cancellationToken: ct)) > 0;
    }
}
