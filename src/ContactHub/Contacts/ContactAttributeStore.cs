using System.Data.Common;
using System.Text.Json;
using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.Contacts;

/// <summary>
/// The attribute schema and the contacts' values. The schema is read often (every event that carries attributes) and changed
/// rarely: it is kept for a few seconds, and dropped at once when this node changes it.
/// </summary>
public sealed class ContactAttributeStore(Db db, EventLog events, TimeProvider clock)
{
    private static readonly TimeSpan SchemaLifetime = TimeSpan.FromSeconds(10);
    private (IReadOnlyDictionary<string, AttributeDefinition> Schema, DateTimeOffset ReadAt)? _schema;
    private readonly SemaphoreSlim _reading = new(1, 1);
    private int _version;

    private sealed record DefinitionRow(string AttrKey, string Type, string? AllowedValues, long Required, string? Label, DateTimeOffset UpdatedAt)
    {
        public AttributeDefinition ToDefinition() =>
            new(AttrKey, Type, AllowedValues is null ? [] : JsonSerializer.Deserialize<string[]>(AllowedValues)!, Required == 1, Label, UpdatedAt);
    }

    private const string DefinitionsSql = "SELECT attr_key, type, allowed_values, required, label, updated_at FROM contact_attribute_definitions ORDER BY attr_key";

    /// <summary>
    /// The schema, read again once it is <see cref="SchemaLifetime"/> old. One caller reads it; the others wait for that read: when
    /// it expired under load every request in flight opened a connection of its own to read it (see <see cref="Security.VerifiedKeys"/>
    /// for what a pool grown that way costs PostgreSQL).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, AttributeDefinition>> SchemaAsync(CancellationToken ct)
    {
        if (Current() is { } schema) return schema;
        await _reading.WaitAsync(ct);
        try
        {
            if (Current() is { } read) return read;
            var version = _version;
            await using var connection = await db.OpenAsync(ct);
            schema = (await connection.QueryAsync<DefinitionRow>(new CommandDefinition(DefinitionsSql, cancellationToken: ct)))
                .Select(r => r.ToDefinition()).ToDictionary(d => d.Key, StringComparer.Ordinal);
            // Kept only when this node changed nothing meanwhile: a read that began before a change may not have seen it.
            if (version == _version) _schema = (schema, clock.GetUtcNow());
            return schema;
        }
        finally
        {
            _reading.Release();
        }
    }

    private IReadOnlyDictionary<string, AttributeDefinition>? Current() =>
        _schema is { } cached && clock.GetUtcNow() - cached.ReadAt < SchemaLifetime ? cached.Schema : null;

    /// <summary>This node changed the schema: the next reader reads it again.</summary>
    private void Forget()
    {
        Interlocked.Increment(ref _version);
        _schema = null;
    }

    private const string InsertDefinitionSql = """
        INSERT INTO contact_attribute_definitions (attr_key, type, allowed_values, required, label, created_at, updated_at)
        SELECT @key, @type, @values, @required, @label, @now, @now
        WHERE NOT EXISTS (SELECT 1 FROM contact_attribute_definitions {LOCK} WHERE attr_key = @key) {ON_CONFLICT_IGNORE}
        """;

    /// <summary>Defines an attribute; false when the key exists.</summary>
    public async Task<bool> DefineAsync(string key, string type, IReadOnlyList<string>? values, bool required, string? label, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var created = await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertDefinitionSql), new
        {
            key, type, values = values is { Count: > 0 } ? JsonSerializer.Serialize(values) : null, required = required ? 1 : 0, label, now = clock.GetUtcNow(),
        }, cancellationToken: ct)) > 0;
        Forget();
        return created;
    }

    private const string UpdateDefinitionSql = """
        UPDATE contact_attribute_definitions SET allowed_values = @values, required = @required, label = @label, updated_at = @now WHERE attr_key = @key
        """;

    /// <summary>Changes a one-of's values (a value removed stays on the contacts that have it), whether it is required, its label.</summary>
    public async Task<bool> UpdateAsync(AttributeDefinition definition, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var updated = await connection.ExecuteAsync(new CommandDefinition(UpdateDefinitionSql, new
        {
            key = definition.Key, values = definition.Values.Count > 0 ? JsonSerializer.Serialize(definition.Values) : null, required = definition.Required ? 1 : 0,
            label = definition.Label, now = clock.GetUtcNow(),
        }, cancellationToken: ct)) > 0;
        Forget();
        return updated;
    }

    /// <summary>A contact's values as stored (the screen-pop reads them on its own kept connection).</summary>
    public const string ValuesSql = "SELECT attr_key, value FROM contact_attributes WHERE contact_id = @id ORDER BY attr_key";

    public sealed record ValueRow(string AttrKey, string Value);

    /// <summary>Stored values typed by the schema (a number as a number, a boolean as a boolean).</summary>
    public async Task<IReadOnlyDictionary<string, object>> TypedAsync(IReadOnlyCollection<ValueRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return new Dictionary<string, object>(); // most contacts have none: no schema to read
        var schema = await SchemaAsync(ct);
        return rows.ToDictionary(v => v.AttrKey, v => schema.TryGetValue(v.AttrKey, out var d) ? d.Typed(v.Value) : v.Value);
    }

    /// <summary>A contact's values, typed by the schema.</summary>
    public async Task<IReadOnlyDictionary<string, object>> ValuesAsync(long contactId, CancellationToken ct)
    {
        // On a kept read connection with the statement prepared: GET /contacts/{id} reads this on every call.
        List<ValueRow> rows;
        await using (var lease = await db.Reads.LeaseAsync(ct))
            rows = await lease.QueryAsync<ValueRow>(ValuesSql, ct, ("id", contactId));
        return await TypedAsync(rows, ct);
    }

    private const string UpdateValueSql = "UPDATE contact_attributes SET value = @value, updated_at = @now WHERE contact_id = @contactId AND attr_key = @key";
    private const string InsertValueSql = """
        INSERT INTO contact_attributes (contact_id, attr_key, value, updated_at) SELECT @contactId, @key, @value, @now
        WHERE NOT EXISTS (SELECT 1 FROM contact_attributes {LOCK} WHERE contact_id = @contactId AND attr_key = @key) {ON_CONFLICT_IGNORE}
        """;
    private const string DeleteValueSql = "DELETE FROM contact_attributes WHERE contact_id = @contactId AND attr_key = @key";
    private const string CurrentValueSql = "SELECT value FROM contact_attributes WHERE contact_id = @contactId AND attr_key = @key";

    /// <summary>Sets (null: removes) checked, canonical values in the caller's transaction; contact.updated names the attributes that changed.</summary>
    public async Task SetAsync(DbConnection connection, DbTransaction tx, long contactId, IReadOnlyDictionary<string, string?> values, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var changed = new Dictionary<string, string?>();
        foreach (var (key, value) in values)
        {
            var args = new { contactId, key, value, now };
            var current = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(CurrentValueSql, args, tx, cancellationToken: ct));
            if (current == value) continue;
            if (value is null) await connection.ExecuteAsync(new CommandDefinition(DeleteValueSql, args, tx, cancellationToken: ct));
            else if (await connection.ExecuteAsync(new CommandDefinition(UpdateValueSql, args, tx, cancellationToken: ct)) == 0
                     && await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertValueSql), args, tx, cancellationToken: ct)) == 0)
                throw new ConcurrencyConflictException("The attribute was set concurrently.");
            changed[key] = value;
        }
        if (changed.Count > 0)
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ContactUpdated, contactId, new { contactId, attributes = changed })
            { Changed = changed.Keys.Select(k => "attributes." + k).Prepend("attributes").ToList() }, ct);
    }

    public Task SetAsync(long contactId, IReadOnlyDictionary<string, string?> values, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) => { await SetAsync(connection, tx, contactId, values, ct); return 0; }, ct);

    // Newest contacts first, in the (attr_key, value, contact_id) index's own order, so that the read stops at the limit (see TagStore).
    private const string WithValueSql = """
        SELECT c.id, c.display_name AS name, c.external_id, c.created_at, c.updated_at
        FROM contact_attributes a JOIN contacts c ON c.id = a.contact_id
        WHERE a.attr_key = @key AND a.value = @value AND c.merged_into_id IS NULL AND c.erased_at IS NULL
        ORDER BY a.contact_id DESC {LIMIT:@limit}
        """;

    /// <summary>Contacts whose attribute has this canonical value, newest first (an index probe on (attr_key, value, contact_id)).</summary>
    public async Task<IReadOnlyList<ContactSummary>> ContactsWithAsync(string key, string value, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<ContactSummary>(new CommandDefinition(db.Sql(WithValueSql), new { key, value, limit }, cancellationToken: ct))).AsList();
    }
}
