using System.Data.Common;
using ContactHub.Data;
using Dapper;

namespace ContactHub.Conversations;

/// <summary>
/// The wrap-up code list and the codes given to conversations. Changing a code's labels or group makes a new version; a
/// conversation keeps the version it was given, so what a past report said stays said.
/// </summary>
public sealed class WrapUpCodeStore(Db db, TimeProvider clock)
{
    private sealed record CodeRow(long Id, string Code, long Active, long Version, DateTimeOffset UpdatedAt, long VersionId, string? GroupName);

    private sealed record LabelRow(long VersionId, string Language, string Label);

    private const string CurrentSql = """
        SELECT c.id, c.code, c.active, c.version, c.updated_at, v.id AS version_id, v.group_name
        FROM wrap_up_codes c JOIN wrap_up_code_versions v ON v.code_id = c.id AND v.version = c.version
        WHERE (@code IS NULL OR c.code = @code) AND (@all = 1 OR c.active = 1)
        ORDER BY v.group_name, c.code
        """;

    private const string LabelsSql = "SELECT version_id, language, label FROM wrap_up_code_labels WHERE version_id {IN:@ids} ORDER BY language";

    public async Task<IReadOnlyList<WrapUpCode>> ListAsync(bool includeRetired, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await CurrentAsync(connection, null, null, includeRetired, ct);
    }

    public async Task<WrapUpCode?> GetAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await CurrentAsync(connection, null, code, true, ct)).SingleOrDefault();
    }

    private async Task<IReadOnlyList<WrapUpCode>> CurrentAsync(DbConnection connection, DbTransaction? tx, string? code, bool all, CancellationToken ct)
    {
        var rows = (await connection.QueryAsync<CodeRow>(new CommandDefinition(db.Sql(CurrentSql), new { code, all = all ? 1 : 0 }, tx, cancellationToken: ct))).AsList();
        var labels = await LabelsAsync(connection, tx, rows.Select(r => r.VersionId), ct);
        return rows.Select(r => new WrapUpCode(r.Code, labels.GetValueOrDefault(r.VersionId) ?? new Dictionary<string, string>(), r.GroupName, r.Active == 1, r.Version, r.UpdatedAt))
            .ToList();
    }

    private async Task<Dictionary<long, IReadOnlyDictionary<string, string>>> LabelsAsync(DbConnection connection, DbTransaction? tx, IEnumerable<long> versionIds, CancellationToken ct)
    {
        var result = new Dictionary<long, IReadOnlyDictionary<string, string>>();
        foreach (var chunk in versionIds.Distinct().Chunk(500))
            foreach (var group in (await connection.QueryAsync<LabelRow>(new CommandDefinition(db.Sql(LabelsSql), new { ids = chunk }, tx, cancellationToken: ct))).GroupBy(l => l.VersionId))
                result[group.Key] = group.ToDictionary(l => l.Language, l => l.Label);
        return result;
    }

    private const string InsertCodeSql = """
        INSERT INTO wrap_up_codes (code, active, version, created_at, updated_at) {OUTPUT_ID}
        SELECT @code, @active, 1, @now, @now WHERE NOT EXISTS (SELECT 1 FROM wrap_up_codes {LOCK} WHERE code = @code) {ON_CONFLICT_IGNORE} {RETURNING_ID}
        """;

    private const string InsertVersionSql = """
        INSERT INTO wrap_up_code_versions (code_id, version, group_name, created_at) {OUTPUT_ID}
        VALUES (@codeId, @version, @group, @now) {RETURNING_ID}
        """;

    private const string InsertLabelSql = "INSERT INTO wrap_up_code_labels (version_id, language, label) VALUES (@versionId, @language, @label)";

    /// <summary>Adds a code; false when it exists already.</summary>
    public Task<bool> CreateAsync(string code, IReadOnlyDictionary<string, string> labels, string? group, bool active, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            if (await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(InsertCodeSql), new { code, active = active ? 1 : 0, now }, tx, cancellationToken: ct))
                is not { } codeId) return false;
            await NewVersionAsync(connection, tx, codeId, 1, labels, group, now, ct);
            return true;
        }, ct);

    private async Task NewVersionAsync(DbConnection connection, DbTransaction tx, long codeId, long version, IReadOnlyDictionary<string, string> labels, string? group,
        DateTimeOffset now, CancellationToken ct)
    {
        var versionId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertVersionSql), new { codeId, version, group, now }, tx, cancellationToken: ct));
        foreach (var (language, label) in labels)
            await connection.ExecuteAsync(new CommandDefinition(InsertLabelSql, new { versionId, language, label = label.Trim() }, tx, cancellationToken: ct));
    }

    private const string UpdateCodeSql = "UPDATE wrap_up_codes SET active = @active, version = @version, updated_at = @now WHERE id = @id";

    /// <summary>
    /// Changes a code: new labels (the whole set) or a new group make a new version, which conversations wrapped up from now
    /// on get; <paramref name="active"/> false retires it (it can no longer be given, and stays in the past). Null when unknown.
    /// </summary>
    public Task<WrapUpCode?> UpdateAsync(string code, IReadOnlyDictionary<string, string>? labels, string? group, bool clearGroup, bool? active, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            if ((await connection.QueryAsync<CodeRow>(new CommandDefinition(db.Sql(CurrentSql), new { code, all = 1 }, tx, cancellationToken: ct))).SingleOrDefault() is not { } row)
                return null;
            var current = (await LabelsAsync(connection, tx, [row.VersionId], ct)).GetValueOrDefault(row.VersionId) ?? new Dictionary<string, string>();
            var newLabels = labels ?? current;
            var newGroup = clearGroup ? null : group ?? row.GroupName;
            var changed = newGroup != row.GroupName || newLabels.Count != current.Count || newLabels.Any(l => current.GetValueOrDefault(l.Key) != l.Value.Trim());
            var now = clock.GetUtcNow();
            var version = changed ? row.Version + 1 : row.Version;
            if (changed) await NewVersionAsync(connection, tx, row.Id, version, newLabels, newGroup, now, ct);
            await connection.ExecuteAsync(new CommandDefinition(UpdateCodeSql, new { id = row.Id, active = (active ?? row.Active == 1) ? 1 : 0, version, now }, tx, cancellationToken: ct));
            return (await CurrentAsync(connection, tx, code, true, ct)).Single();
        }, ct);

    private sealed record VersionRow(long Id, long Version, string? GroupName, DateTimeOffset CreatedAt);

    private const string VersionsSql = """
        SELECT v.id, v.version, v.group_name, v.created_at FROM wrap_up_code_versions v JOIN wrap_up_codes c ON c.id = v.code_id
        WHERE c.code = @code ORDER BY v.version
        """;

    public async Task<IReadOnlyList<WrapUpCodeVersion>> VersionsAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<VersionRow>(new CommandDefinition(VersionsSql, new { code }, cancellationToken: ct))).AsList();
        var labels = await LabelsAsync(connection, null, rows.Select(r => r.Id), ct);
        return rows.Select(r => new WrapUpCodeVersion(r.Version, labels.GetValueOrDefault(r.Id) ?? new Dictionary<string, string>(), r.GroupName, r.CreatedAt)).ToList();
    }

    /// <summary>The active codes among those named, with their current version; the names that are unknown or retired come back apart.</summary>
    public async Task<(IReadOnlyList<(long CodeId, long VersionId, string Code)> Found, IReadOnlyList<string> Unknown)> ResolveAsync(DbConnection connection, DbTransaction? tx,
        IReadOnlyList<string> codes, CancellationToken ct)
    {
        var found = new List<(long, long, string)>();
        var unknown = new List<string>();
        foreach (var code in codes.Distinct())
        {
            var row = (await connection.QueryAsync<CodeRow>(new CommandDefinition(db.Sql(CurrentSql), new { code, all = 0 }, tx, cancellationToken: ct))).SingleOrDefault();
            if (row is null) unknown.Add(code);
            else found.Add((row.Id, row.VersionId, row.Code));
        }
        return (found, unknown);
    }

    public async Task<IReadOnlyList<string>> UnknownAsync(IReadOnlyList<string> codes, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await ResolveAsync(connection, null, codes, ct)).Unknown;
    }

    private const string ApplySql = """
        INSERT INTO conversation_wrap_ups (conversation_id, interaction_id, code_id, version_id, applied_by, applied_at)
        SELECT @conversationId, @interactionId, @codeId, @versionId, @appliedBy, @now
        WHERE NOT EXISTS (SELECT 1 FROM conversation_wrap_ups {LOCK} WHERE conversation_id = @conversationId AND code_id = @codeId) {ON_CONFLICT_IGNORE}
        """;

    /// <summary>Gives a conversation codes (one it has already stays as it was); returns the codes added.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(DbConnection connection, DbTransaction tx, long conversationId, long? interactionId,
        IReadOnlyList<(long CodeId, long VersionId, string Code)> codes, string? appliedBy, CancellationToken ct)
    {
        var added = new List<string>();
        var now = clock.GetUtcNow();
        foreach (var (codeId, versionId, code) in codes)
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(ApplySql), new { conversationId, interactionId, codeId, versionId, appliedBy, now }, tx, cancellationToken: ct)) > 0)
                added.Add(code);
        return added;
    }

    private sealed record AppliedRow(long ConversationId, string Code, long Version, long VersionId, string? GroupName, long? InteractionId, string? AppliedBy, DateTimeOffset AppliedAt);

    private const string AppliedSql = """
        SELECT w.conversation_id, c.code, v.version, v.id AS version_id, v.group_name, w.interaction_id, w.applied_by, w.applied_at
        FROM conversation_wrap_ups w JOIN wrap_up_codes c ON c.id = w.code_id JOIN wrap_up_code_versions v ON v.id = w.version_id
        WHERE w.conversation_id {IN:@ids}
        ORDER BY w.conversation_id, w.id
        """;

    /// <summary>The codes of these conversations, each in the version it was given.</summary>
    public async Task<IReadOnlyList<AppliedWrapUp>> AppliedAsync(IEnumerable<long> conversationIds, CancellationToken ct)
    {
        var ids = conversationIds.Distinct().ToArray();
        if (ids.Length == 0) return [];
        await using var connection = await db.OpenAsync(ct);
        var rows = new List<AppliedRow>();
        foreach (var chunk in ids.Chunk(500))
            rows.AddRange(await connection.QueryAsync<AppliedRow>(new CommandDefinition(db.Sql(AppliedSql), new { ids = chunk }, cancellationToken: ct)));
        var labels = await LabelsAsync(connection, null, rows.Select(r => r.VersionId), ct);
        return rows.Select(r => new AppliedWrapUp(r.ConversationId, r.Code, r.Version, labels.GetValueOrDefault(r.VersionId) ?? new Dictionary<string, string>(), r.GroupName,
            r.InteractionId, r.AppliedBy, r.AppliedAt)).ToList();
    }
}
