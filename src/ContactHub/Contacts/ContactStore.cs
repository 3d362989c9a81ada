using System.Data.Common;
using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.Contacts;

public sealed class ContactStore(Db db, ContactRecognizer recognizer, ContactNames names, EventLog events, IEnumerable<IContactSearchSource> searchSources, TimeProvider clock)
{
    // The contact, its identifiers, tags and attribute values in one command (one round trip on the server engines).
    private const string ContactSql = """
        SELECT id, display_name, external_id, created_at, updated_at, merged_into_id, erased_at FROM contacts WHERE id = @id;
        SELECT id, kind, provider, value, created_at FROM contact_identifiers WHERE contact_id = @id ORDER BY id;
        SELECT tag FROM contact_tags WHERE contact_id = @id ORDER BY tag;
        SELECT attr_key, value FROM contact_attributes WHERE contact_id = @id ORDER BY attr_key;
        """;

    /// <summary>A tag as a row: the read lease's parser reads records, not a bare column.</summary>
    internal sealed record TagRow(string Tag);

    /// <summary>A contact from its row, identifiers and tags as the reads return them (identifiers without a provider store "").</summary>
    internal static Contact Build(ContactRow row, IEnumerable<ContactIdentifier> identifiers, IEnumerable<TagRow> tags, long? redirectedFrom = null) =>
        new(row.Id, row.DisplayName, row.ExternalId, row.CreatedAt, row.UpdatedAt,
            identifiers.Select(i => i with { Provider = i.Provider is "" ? null : i.Provider }).ToList(), redirectedFrom) { Tags = tags.Select(t => t.Tag).ToList() };

    /// <summary>The contact, following merges to the surviving one; null when unknown or erased.</summary>
    public async Task<Contact?> GetAsync(long id, CancellationToken ct = default) => (await GetWithValuesAsync(id, ct))?.Contact;

    /// <summary>The same with the contact's stored attribute values (untyped: see <see cref="ContactAttributeStore.TypedAsync"/>).</summary>
    public async Task<(Contact Contact, IReadOnlyList<ContactAttributeStore.ValueRow> Values)?> GetWithValuesAsync(long id, CancellationToken ct = default)
    {
        await using var lease = await db.Reads.LeaseAsync(ct);
        var requested = id;
        for (var hops = 0; hops < 16; hops++)
        {
            await using var results = await lease.QueryMultipleAsync(ContactSql, ct, ("id", id));
            var row = (await results.ReadAsync<ContactRow>()).SingleOrDefault();
            if (row is null || row.ErasedAt is not null) return null;
            if (row.MergedIntoId is { } target) { id = target; continue; }
            var identifiers = await results.ReadAsync<ContactIdentifier>();
            var tags = await results.ReadAsync<TagRow>();
            var values = await results.ReadAsync<ContactAttributeStore.ValueRow>();
            return (Build(row, identifiers, tags, id == requested ? null : requested), values);
        }
        return null;
    }

    // Both searches are index probes: a word of the name; an identifier, or a phone number by its international prefix.
    private const string SearchByNameSql = """
        SELECT id, display_name AS name, external_id, created_at, updated_at FROM contacts
        WHERE merged_into_id IS NULL AND erased_at IS NULL
          AND id IN (SELECT contact_id FROM contact_name_words WHERE word LIKE @word ESCAPE '\')
        ORDER BY updated_at DESC, id DESC {LIMIT:@limit}
        """;

    private const string SearchByIdentifierSql = """
        SELECT id, display_name AS name, external_id, created_at, updated_at FROM contacts
        WHERE merged_into_id IS NULL AND erased_at IS NULL
          AND (id IN (SELECT contact_id FROM contact_identifiers WHERE value LIKE @prefix ESCAPE '\')
            OR id IN (SELECT contact_id FROM contact_identifiers WHERE value LIKE @phone ESCAPE '\'))
        ORDER BY updated_at DESC, id DESC {LIMIT:@limit}
        """;

    /// <summary>
    /// Contacts as agents type them: any part of the name, without minding case or accents ("zoe dup" finds Zoé Dupont), the
    /// start of an email or other identifier, or a phone number as dialled nationally or internationally ("0612", "+33 6 12").
    /// </summary>
    public async Task<IReadOnlyList<ContactSummary>> SearchAsync(string text, IdentifierNormalizer normalizer, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var words = ContactNames.Words(text);
        var byName = new List<ContactSummary>();
        if (words.Count > 0)
        {
            // The index finds the longest word; every other must start a word of the name too.
            var word = Like(words.OrderByDescending(w => w.Length).First());
            byName = (await connection.QueryAsync<ContactSummary>(new CommandDefinition(db.Sql(SearchByNameSql),
                new { word, limit = words.Count > 1 ? limit * 5 : limit }, cancellationToken: ct))).Where(c => NameMatches(c.Name, words)).ToList();
        }
        var byIdentifier = await connection.QueryAsync<ContactSummary>(new CommandDefinition(db.Sql(SearchByIdentifierSql), new
        {
            prefix = Like(normalizer.Phone(text) ?? text.Trim().ToLowerInvariant()),
            phone = normalizer.PhonePrefix(text) is { } dialled ? Like(dialled) : "",
            limit,
        }, cancellationToken: ct));
        var byText = new List<ContactSummary>();
        if (text.Trim().Length >= 3)
            foreach (var source in searchSources)
                if (await source.FindContactsAsync(text.Trim(), limit, ct) is { Count: > 0 } ids)
                    byText.AddRange(await connection.QueryAsync<ContactSummary>(new CommandDefinition(db.Sql(ByIdsSql), new { ids }, cancellationToken: ct)));
        return byName.Concat(byIdentifier).Concat(byText).DistinctBy(c => c.Id).OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Take(limit).ToList();
    }

    private const string ByIdsSql = """
        SELECT id, display_name AS name, external_id, created_at, updated_at FROM contacts
        WHERE id {IN:@ids} AND merged_into_id IS NULL AND erased_at IS NULL
        """;

    private static bool NameMatches(string? name, IReadOnlyList<string> words)
    {
        var own = ContactNames.Words(name);
        return words.All(w => own.Any(o => o.StartsWith(w, StringComparison.Ordinal)));
    }

    private static string Like(string prefix) => prefix.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    private const string UpdateSql = """
        UPDATE contacts SET display_name = COALESCE(@name, display_name), name_key = COALESCE(@nameKey, name_key),
            external_id = COALESCE(@externalId, external_id), updated_at = @now
        WHERE id = @id AND merged_into_id IS NULL AND erased_at IS NULL
        """;

    private const string CurrentSql = "SELECT display_name, external_id FROM contacts WHERE id = @id AND merged_into_id IS NULL AND erased_at IS NULL";

    private sealed record Current(string? DisplayName, string? ExternalId);

    /// <summary>Renames or re-keys a contact; contact.updated names the fields that really changed (none: no event).</summary>
    public Task<bool> UpdateAsync(long id, string? name, string? externalId, CancellationToken ct = default) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var renamed = ContactRecognizer.Clean(name);
            if (await connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(CurrentSql, new { id }, tx, cancellationToken: ct)) is not { } current) return false;
            var updated = await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql),
                new { id, name = renamed, nameKey = ContactRecognizer.NameKey(name), externalId, now = clock.GetUtcNow() }, tx, cancellationToken: ct)) > 0;
            if (updated && renamed is not null) await names.IndexAsync(connection, tx, id, renamed, ct);
            var changed = new List<string>();
            if (renamed is not null && renamed != current.DisplayName) changed.Add("displayName");
            if (externalId is not null && externalId != current.ExternalId) changed.Add("externalId");
            if (updated && changed.Count > 0)
                await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ContactUpdated, id, new
                {
                    contactId = id, displayName = changed.Contains("displayName") ? renamed : null, externalId = changed.Contains("externalId") ? externalId : null, changed,
                }) { Changed = changed }, ct);
            return updated;
        }, ct);

    /// <summary>Adds an identifier; returns its id, or the id of the contact that already owns it.</summary>
    public Task<(long? IdentifierId, long? OwnerContactId)> AddIdentifierAsync(long contactId, Identifier identifier, CancellationToken ct = default) =>
        db.InTransactionAsync<(long?, long?)>(async (connection, tx) =>
        {
            if (await recognizer.ClaimAsync(connection, tx, contactId, identifier, ct) is not { } identifierId)
                return (null, await recognizer.OwnerAsync(connection, tx, identifier, ct));
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ContactIdentifierAdded, contactId, new
            {
                contactId, identifier = new { identifierId, kind = identifier.Kind, provider = ContactRecognizer.NoProvider(identifier.Provider), value = identifier.Value },
            }), ct);
            return (identifierId, null);
        }, ct);

    private const string IdentifierSql = "SELECT kind, provider, value FROM contact_identifiers WHERE id = @identifierId AND contact_id = @contactId";

    private const string DeleteIdentifierSql = "DELETE FROM contact_identifiers WHERE id = @identifierId AND contact_id = @contactId";

    public Task<bool> RemoveIdentifierAsync(long contactId, long identifierId, CancellationToken ct = default) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            if (await connection.QuerySingleOrDefaultAsync<Identifier>(new CommandDefinition(IdentifierSql, new { contactId, identifierId }, tx, cancellationToken: ct)) is not { } removed)
                return false;
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteIdentifierSql), new { contactId, identifierId }, tx, cancellationToken: ct));
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ContactIdentifierRemoved, contactId, new
            {
                contactId, identifier = new { identifierId, kind = removed.Kind, provider = ContactRecognizer.NoProvider(removed.Provider), value = removed.Value },
            }), ct);
            return true;
        }, ct);

    /// <summary>What to call contacts that have no name: a phone number or an email address of theirs (the desk shows it, never "#2").</summary>
    public async Task<IReadOnlyDictionary<long, string>> LabelsAsync(IEnumerable<long> contactIds, CancellationToken ct = default) =>
        (await ReachAsync(contactIds, ct)).ToDictionary(r => r.Key, r => r.Value[0]);

    private const string ReachSql = """
        SELECT contact_id, kind, value FROM contact_identifiers
        WHERE contact_id {IN:@ids} AND kind IN ('phone', 'email')
        ORDER BY contact_id, kind DESC, value
        """;

    /// <summary>
    /// How to reach each contact, phones first then email addresses (at most two of each): what tells apart two "Zoé Dubois"
    /// in a list of search results.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<string>>> ReachAsync(IEnumerable<long> contactIds, CancellationToken ct = default)
    {
        var ids = contactIds.Distinct().ToArray();
        if (ids.Length == 0) return new Dictionary<long, IReadOnlyList<string>>();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long ContactId, string Kind, string Value)>(new CommandDefinition(db.Sql(ReachSql), new { ids }, cancellationToken: ct));
        return rows.GroupBy(r => r.ContactId).ToDictionary(g => g.Key,
            g => (IReadOnlyList<string>)g.GroupBy(r => r.Kind).SelectMany(k => k.Take(2)).Select(r => r.Value).ToList());
    }

    /// <summary>The contacts, each with how to reach it (<see cref="ContactSummary.Reach"/>): a search's results.</summary>
    public async Task<IReadOnlyList<ContactSummary>> WithReachAsync(IReadOnlyList<ContactSummary> contacts, CancellationToken ct = default)
    {
        var reach = await ReachAsync(contacts.Select(c => c.Id), ct);
        return contacts.Select(c => c with { Reach = reach.GetValueOrDefault(c.Id) ?? [] }).ToList();
    }

    private const string DuplicatesSql = """
        SELECT d.id, d.contact_id, a.display_name AS contact_name, d.other_contact_id, b.display_name AS other_contact_name, d.reason, d.detected_at
        FROM duplicate_candidates d
        JOIN contacts a ON a.id = d.contact_id
        JOIN contacts b ON b.id = d.other_contact_id
        WHERE d.resolved_at IS NULL AND a.merged_into_id IS NULL AND b.merged_into_id IS NULL AND a.erased_at IS NULL AND b.erased_at IS NULL
        ORDER BY d.detected_at DESC, d.id DESC {LIMIT:@limit}
        """;

    public async Task<IReadOnlyList<DuplicateCandidate>> DuplicatesAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<DuplicateCandidate>(new CommandDefinition(db.Sql(DuplicatesSql), new { limit }, cancellationToken: ct))).ToList();
    }
}
