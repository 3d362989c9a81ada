using System.Data.Common;
using ContactHub.Data;
using ContactHub.Events;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace ContactHub.Contacts;

public sealed record Recognized(long ContactId, bool Created);

/// <summary>
/// Finds the contact an event belongs to from every identifier it carries (DESIGN §5): one match
/// is that contact, none creates one, several never auto-merge — the highest-priority match wins
/// and the others are recorded as duplicate candidates. Runs inside the caller's transaction.
/// </summary>
public sealed class ContactRecognizer(Db db, ContactNames names, EventLog events, TimeProvider clock)
{
    private sealed record Match(long ContactId, string Kind, string Provider, string Value);

    internal const string FindIdentifierSql = """
        SELECT contact_id FROM contact_identifiers WHERE kind = @kind AND provider = @provider AND value = @value
        """;

    // The owner, and whether it already has a name (or was erased): an event with a name then knows whether there is one to fill in.
    internal const string FindIdentifierNamedSql = """
        SELECT ci.contact_id, CASE WHEN c.display_name IS NULL AND c.erased_at IS NULL THEN 0 ELSE 1 END
        FROM contact_identifiers ci JOIN contacts c ON c.id = ci.contact_id
        WHERE ci.kind = @kind AND ci.provider = @provider AND ci.value = @value
        """;

    /// <summary>
    /// Identifiers' owners as a caller read them in its transaction, and those of them whose name is not to be filled in: named
    /// already, or erased (<see cref="FindIdentifierNamedSql"/>; empty when the caller did not ask).
    /// </summary>
    public sealed record Owners(IReadOnlyDictionary<Identifier, long?> ByIdentifier, IReadOnlySet<long> Named);

    private const string InsertContactSql = """
        INSERT INTO contacts (display_name, name_key, external_id, created_at, updated_at) {OUTPUT_ID}
        VALUES (@name, @nameKey, @externalId, @now, @now) {RETURNING_ID}
        """;

    private const string InsertIdentifierSql = """
        INSERT INTO contact_identifiers (contact_id, kind, provider, value, created_at) {OUTPUT_ID}
        SELECT @contactId, @kind, @provider, @value, @now
        WHERE NOT EXISTS (SELECT 1 FROM contact_identifiers {LOCK} WHERE kind = @kind AND provider = @provider AND value = @value)
        {ON_CONFLICT_IGNORE} {RETURNING_ID}
        """;

    // A contact and its identifiers whose ids were taken ahead (PostgreSQL's ingest, events of one group recorded together).
    internal const string InsertContactWithIdSql = """
        INSERT INTO contacts (id, display_name, name_key, external_id, created_at, updated_at)
        VALUES (@id, @name, @nameKey, @externalId, @now, @now)
        """;

    internal const string InsertIdentifierWithIdSql = """
        INSERT INTO contact_identifiers (id, contact_id, kind, provider, value, created_at)
        VALUES (@id, @contactId, @kind, @provider, @value, @now)
        """;

    private const string FillNameSql = """
        UPDATE contacts SET display_name = @name, name_key = @nameKey, updated_at = @now
        WHERE id = @id AND display_name IS NULL AND erased_at IS NULL
        """;

    private const string InsertDuplicateSql = """
        INSERT INTO duplicate_candidates (contact_id, other_contact_id, reason, detected_at)
        SELECT @contactId, @otherId, @reason, @now
        WHERE NOT EXISTS (SELECT 1 FROM duplicate_candidates {LOCK} WHERE contact_id = @contactId AND other_contact_id = @otherId)
        {ON_CONFLICT_IGNORE}
        """;

    /// <param name="preferredContactId">The contact of an explicit conversation: it wins over any match.</param>
    /// <param name="probed">The identifiers' owners as the caller already read them in this transaction (null: asked here).</param>
    public async Task<Recognized> RecognizeAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Identifier> identifiers,
        string? name, long? preferredContactId, CancellationToken ct, Owners? probed = null)
    {
        var now = clock.GetUtcNow();
        var matches = new List<Match>(identifiers.Count);
        foreach (var identifier in identifiers.Distinct())
            if ((probed is not null && probed.ByIdentifier.TryGetValue(identifier, out var read) ? read : await OwnerAsync(connection, transaction, identifier, ct)) is { } owner)
                matches.Add(new Match(owner, identifier.Kind, identifier.Provider, identifier.Value));

        long contactId;
        var created = false;
        if (preferredContactId is { } preferred)
            contactId = preferred;
        else if (matches.Count == 0)
        {
            var external = identifiers.FirstOrDefault(i => i.Kind == IdentifierKind.External)?.Value;
            contactId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertContactSql),
                new { name = Clean(name), nameKey = NameKey(name), externalId = external, now }, transaction, cancellationToken: ct));
            await names.IndexAsync(connection, transaction, contactId, Clean(name), ct, created: true);
            created = true;
        }
        else
            contactId = matches.OrderByDescending(m => IdentifierKind.Priority(m.Kind)).ThenBy(m => m.ContactId).First().ContactId;

        foreach (var other in matches.Select(m => m.ContactId).Distinct().Where(id => id != contactId))
        {
            var reason = string.Join(", ", matches.Where(m => m.ContactId == other).Select(m => m.Kind).Distinct()) + " shared";
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertDuplicateSql),
                new { contactId = Math.Min(contactId, other), otherId = Math.Max(contactId, other), reason, now }, transaction, cancellationToken: ct));
        }

        var added = new List<object>();
        foreach (var missing in identifiers.Where(i => !matches.Any(m => m.Kind == i.Kind && m.Provider == i.Provider && m.Value == i.Value)))
        {
            if (await ClaimAsync(connection, transaction, contactId, missing, ct) is not { } identifierId)
                throw new ConcurrencyConflictException("An identifier was claimed by a concurrent request.");
            var shown = Shown(identifierId, missing);
            if (created) added.Add(shown);
            else await events.AppendAsync(connection, transaction, new NewEvent(EventTypes.ContactIdentifierAdded, contactId, new { contactId, identifier = shown }), ct);
        }

        if (created)
            await events.AppendAsync(connection, transaction, Created(contactId, name, added), ct);
        else if (probed?.Named.Contains(contactId) != true)
            await FillNameAsync(connection, transaction, contactId, name, ct);

        return new Recognized(contactId, created);
    }

    /// <summary>
    /// The contact <see cref="RecognizeAsync"/> would find for an event without writing anything — every identifier is that one
    /// contact's, and the event's name is none to fill in — from the owners the caller read; null when recognising would write.
    /// </summary>
    public static long? Settled(IEnumerable<Identifier> identifiers, string? name, Owners owners)
    {
        long? contact = null;
        foreach (var identifier in identifiers)
        {
            if (owners.ByIdentifier.GetValueOrDefault(identifier) is not { } owner || (contact ?? owner) != owner) return null;
            contact = owner;
        }
        return contact is { } id && (Clean(name) is null || owners.Named.Contains(id)) ? id : null;
    }

    private static object Shown(long identifierId, Identifier identifier) =>
        new { identifierId, kind = identifier.Kind, provider = NoProvider(identifier.Provider), value = identifier.Value };

    private static NewEvent Created(long contactId, string? name, IReadOnlyList<object> identifiers) =>
        new(EventTypes.ContactCreated, contactId, new { contactId, displayName = Clean(name), identifiers });

    /// <summary>
    /// A contact the import creates and writes later (<see cref="CopyAsync"/>): what <see cref="RecognizeAsync"/> does when none
    /// of an event's identifiers is anyone's, with ids taken from the identities in the order recognising would take them, and
    /// its contact.created event to append in its row's place.
    /// </summary>
    public sealed record HeldContact(long Id, string? Name, string? ExternalId, IReadOnlyList<(long Id, Identifier Identifier)> Identifiers, NewEvent Created);

    /// <summary>The contact for <paramref name="identifiers"/> (distinct, none of them anyone's) with the ids taken for it and for them.</summary>
    public static HeldContact Held(long contactId, ReadOnlySpan<long> identifierIds, IReadOnlyList<Identifier> identifiers, string? name)
    {
        var claimed = new List<(long, Identifier)>(identifiers.Count);
        for (var n = 0; n < identifiers.Count; n++) claimed.Add((identifierIds[n], identifiers[n]));
        return new HeldContact(contactId, Clean(name), identifiers.FirstOrDefault(i => i.Kind == IdentifierKind.External)?.Value, claimed,
            Created(contactId, name, claimed.ConvertAll(c => Shown(c.Item1, c.Item2))));
    }

    /// <summary>
    /// The statements that write a held contact, as <see cref="RecognizeAsync"/> would have: the contact, its identifiers, its
    /// name's words and its contact.created event. An identifier a concurrent transaction claimed meanwhile breaks the unique key:
    /// the statement fails, and the caller records the event again the usual way.
    /// </summary>
    public IEnumerable<(string, (string, object?)[])> Statements(HeldContact contact, DateTimeOffset now)
    {
        yield return (InsertContactWithIdSql,
            [("id", contact.Id), ("name", contact.Name), ("nameKey", NameKey(contact.Name)), ("externalId", contact.ExternalId), ("now", now)]);
        foreach (var (id, identifier) in contact.Identifiers)
            yield return (InsertIdentifierWithIdSql,
                [("id", id), ("contactId", contact.Id), ("kind", identifier.Kind), ("provider", identifier.Provider), ("value", identifier.Value), ("now", now)]);
        foreach (var word in ContactNames.Words(contact.Name))
            yield return (ContactNames.InsertWordSql, [("word", word), ("contactId", contact.Id)]);
        foreach (var statement in events.Statements(contact.Created)) yield return statement;
    }

    /// <summary>
    /// Writes held contacts, their identifiers and their name words with <c>COPY</c>. An identifier a concurrent request claimed
    /// in the meantime breaks the unique key: the statement fails and the import records its batch row by row.
    /// </summary>
    public async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<HeldContact> contacts, DateTimeOffset now, CancellationToken ct)
    {
        if (contacts.Count == 0) return;
        await PostgresCopy.WriteAsync(connection, "contacts", ContactColumns,
            contacts.Select(c => new object?[] { c.Id, c.Name, NameKey(c.Name), c.ExternalId, now, now }), ct);
        await PostgresCopy.WriteAsync(connection, "contact_identifiers", IdentifierColumns,
            contacts.SelectMany(c => c.Identifiers.Select(i => new object?[] { i.Id, c.Id, i.Identifier.Kind, i.Identifier.Provider, i.Identifier.Value, now })), ct);
        var words = contacts.SelectMany(c => ContactNames.Words(c.Name).Select(word => new object?[] { word, c.Id })).ToList();
        if (words.Count > 0) await PostgresCopy.WriteAsync(connection, "contact_name_words", WordColumns, words, ct);
    }

    private static readonly PostgresCopy.Column[] ContactColumns =
    [
        new("id", NpgsqlDbType.Bigint), new("display_name", NpgsqlDbType.Varchar), new("name_key", NpgsqlDbType.Varchar),
        new("external_id", NpgsqlDbType.Varchar), new("created_at", NpgsqlDbType.TimestampTz), new("updated_at", NpgsqlDbType.TimestampTz),
    ];

    private static readonly PostgresCopy.Column[] IdentifierColumns =
    [
        new("id", NpgsqlDbType.Bigint), new("contact_id", NpgsqlDbType.Bigint), new("kind", NpgsqlDbType.Varchar),
        new("provider", NpgsqlDbType.Varchar), new("value", NpgsqlDbType.Varchar), new("created_at", NpgsqlDbType.TimestampTz),
    ];

    private static readonly PostgresCopy.Column[] WordColumns = [new("word", NpgsqlDbType.Varchar), new("contact_id", NpgsqlDbType.Bigint)];

    /// <summary>Gives a contact without a name the one an event carries (a name already there is kept).</summary>
    public async Task FillNameAsync(DbConnection connection, DbTransaction transaction, long contactId, string? name, CancellationToken ct)
    {
        if (Clean(name) is { } filled
            && await connection.ExecuteAsync(new CommandDefinition(db.Sql(FillNameSql), new { id = contactId, name = filled, nameKey = NameKey(filled), now = clock.GetUtcNow() }, transaction, cancellationToken: ct)) > 0)
        {
            await names.IndexAsync(connection, transaction, contactId, filled, ct);
            await events.AppendAsync(connection, transaction, new NewEvent(EventTypes.ContactUpdated, contactId, new { contactId, displayName = filled }) { Changed = ["displayName"] }, ct);
        }
    }

    /// <summary>Gives the identifier to the contact unless another already owns it: the new identifier's id, or null.</summary>
    public async Task<long?> ClaimAsync(DbConnection connection, DbTransaction? transaction, long contactId, Identifier identifier, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(InsertIdentifierSql),
            new { contactId, kind = identifier.Kind, provider = identifier.Provider, value = identifier.Value, now = clock.GetUtcNow() }, transaction, cancellationToken: ct));

    /// <summary>The contact an identifier belongs to, if any (a prepared probe of the unique key; see PreparedStatements).</summary>
    public Task<long?> OwnerAsync(DbConnection connection, DbTransaction? transaction, Identifier identifier, CancellationToken ct) =>
        db.Prepared(connection, transaction, FindIdentifierSql, ("kind", identifier.Kind), ("provider", identifier.Provider), ("value", identifier.Value)).ScalarInt64Async(ct);

    /// <summary>Identifiers of most kinds have no provider (stored as ""); events leave it out then.</summary>
    public static string? NoProvider(string provider) => provider.Length == 0 ? null : provider;

    public static string? Clean(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();

    /// <summary>The lower-cased name that prefix search compares (the same on every engine).</summary>
    public static string? NameKey(string? name) => Clean(name)?.ToLowerInvariant();
}
