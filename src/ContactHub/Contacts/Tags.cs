using System.Data.Common;
using System.Text;
using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.Contacts;

/// <summary>
/// A tag and how many contacts (or conversations) carry it. Properties, not a constructor: SQLite gives COUNT(*) no type
/// when there is no row, and Dapper matches a record's constructor by the columns' types before it reads any row.
/// </summary>
public sealed record TagCount
{
    public required string Tag { get; init; }
    public required long Count { get; init; }
}

/// <summary>What is tagged: a contact or a conversation (each has its own table).</summary>
public enum TagTarget { Contact, Conversation }

/// <summary>
/// Free tags on contacts and conversations. A tag is normalised once, on the way in: trimmed, lower case, runs of spaces
/// as one dash ("  VIP customer " is vip-customer); letters of any language, digits, '-', '_' and ':' are kept, anything
/// else refuses the tag.
/// </summary>
public sealed class TagStore(Db db, EventLog events, TimeProvider clock)
{
    public const int MaxLength = 64;

    /// <summary>The normalised tag, or null when it is empty, too long, or holds a character a tag cannot.</summary>
    public static string? Normalize(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var text = new StringBuilder(tag.Length);
        foreach (var part in tag.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (text.Length > 0) text.Append('-');
            text.Append(part);
        }
        var normal = text.ToString();
        return normal.Length <= MaxLength && normal.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ':') ? normal : null;
    }

    private const string AddContactSql = """
        INSERT INTO contact_tags (contact_id, tag, created_at) SELECT @id, @tag, @now
        WHERE NOT EXISTS (SELECT 1 FROM contact_tags {LOCK} WHERE contact_id = @id AND tag = @tag) {ON_CONFLICT_IGNORE}
        """;

    private const string AddConversationSql = """
        INSERT INTO conversation_tags (conversation_id, tag, created_at) SELECT @id, @tag, @now
        WHERE NOT EXISTS (SELECT 1 FROM conversation_tags {LOCK} WHERE conversation_id = @id AND tag = @tag) {ON_CONFLICT_IGNORE}
        """;

    private const string RemoveContactSql = "DELETE FROM contact_tags WHERE contact_id = @id AND tag = @tag";
    private const string RemoveConversationSql = "DELETE FROM conversation_tags WHERE conversation_id = @id AND tag = @tag";
    private const string ContactTagsSql = "SELECT tag FROM contact_tags WHERE contact_id = @id ORDER BY tag";
    private const string ConversationTagsSql = "SELECT tag FROM conversation_tags WHERE conversation_id = @id ORDER BY tag";
    private const string ConversationContactSql = "SELECT contact_id FROM conversations WHERE id = @id";

    /// <summary>Adds and removes normalised tags in one transaction, with the contact.updated event naming "tags"; the tags after.</summary>
    public Task<IReadOnlyList<string>> ChangeAsync(TagTarget target, long id, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken ct) =>
        db.InTransactionAsync<IReadOnlyList<string>>(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            var (addSql, removeSql, listSql) = target == TagTarget.Contact
                ? (AddContactSql, RemoveContactSql, ContactTagsSql) : (AddConversationSql, RemoveConversationSql, ConversationTagsSql);
            var added = new List<string>();
            var removed = new List<string>();
            foreach (var tag in add.Distinct())
                if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(addSql), new { id, tag, now }, tx, cancellationToken: ct)) > 0) added.Add(tag);
            foreach (var tag in remove.Distinct())
                if (await connection.ExecuteAsync(new CommandDefinition(removeSql, new { id, tag }, tx, cancellationToken: ct)) > 0) removed.Add(tag);
            var tags = (await connection.QueryAsync<string>(new CommandDefinition(listSql, new { id }, tx, cancellationToken: ct))).AsList();
            if (added.Count + removed.Count > 0)
            {
                var contactId = target == TagTarget.Contact ? id
                    : await connection.ExecuteScalarAsync<long>(new CommandDefinition(ConversationContactSql, new { id }, tx, cancellationToken: ct));
                var (type, conversationId) = target == TagTarget.Contact ? (EventTypes.ContactUpdated, (long?)null) : (EventTypes.ConversationTagged, id);
                await events.AppendAsync(connection, tx, new NewEvent(type, contactId,
                    new { contactId, conversationId, tags, tagsAdded = added, tagsRemoved = removed }) { ConversationId = conversationId, Changed = ["tags"] }, ct);
            }
            return tags;
        }, ct);

    public async Task<IReadOnlyList<string>> ListAsync(TagTarget target, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(target == TagTarget.Contact ? ContactTagsSql : ConversationTagsSql, new { id }, cancellationToken: ct))).AsList();
    }

    private const string ContactCountsSql = "SELECT tag, COUNT(*) AS count FROM contact_tags GROUP BY tag ORDER BY COUNT(*) DESC, tag {LIMIT:@limit}";
    private const string ConversationCountsSql = "SELECT tag, COUNT(*) AS count FROM conversation_tags GROUP BY tag ORDER BY COUNT(*) DESC, tag {LIMIT:@limit}";

    /// <summary>The tags in use, most used first, with how many carry each.</summary>
    public async Task<IReadOnlyList<TagCount>> CountsAsync(TagTarget target, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<TagCount>(new CommandDefinition(db.Sql(target == TagTarget.Contact ? ContactCountsSql : ConversationCountsSql),
            new { limit }, cancellationToken: ct))).AsList();
    }

    // Newest contacts first, in the index's own order: the (tag, contact_id) index is read backwards and stops at the limit. Ordering
    // by updated_at instead sorts the whole segment (PostgreSQL at 1M contacts: a 77 ms hash join against 0.3 ms; docs/BENCHMARKS.md).
    private const string TaggedContactsSql = """
        SELECT c.id, c.display_name AS name, c.external_id, c.created_at, c.updated_at
        FROM contact_tags t JOIN contacts c ON c.id = t.contact_id
        WHERE t.tag = @tag AND c.merged_into_id IS NULL AND c.erased_at IS NULL
        ORDER BY t.contact_id DESC {LIMIT:@limit}
        """;

    /// <summary>Contacts carrying a tag, newest first (an index probe on (tag, contact_id)).</summary>
    public async Task<IReadOnlyList<ContactSummary>> ContactsTaggedAsync(string tag, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<ContactSummary>(new CommandDefinition(db.Sql(TaggedContactsSql), new { tag, limit }, cancellationToken: ct))).AsList();
    }

    private const string HavingTagSql = "SELECT contact_id FROM contact_tags WHERE tag = @tag AND contact_id {IN:@ids}";

    /// <summary>Which of these contacts carry the tag.</summary>
    public async Task<IReadOnlySet<long>> WithTagAsync(string tag, IReadOnlyList<long> contactIds, CancellationToken ct)
    {
        if (contactIds.Count == 0) return new HashSet<long>();
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(HavingTagSql), new { tag, ids = contactIds.ToArray() }, cancellationToken: ct))).ToHashSet();
    }
}
