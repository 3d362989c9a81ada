using ContactHub.Contacts;
using ContactHub.Data;
using Dapper;

namespace ContactHub.Campaigns;

/// <summary>Checks a triggered contact against a campaign's audience; the first condition it fails is the reason it is skipped.</summary>
public sealed class CampaignAudience(Db db)
{
    private const string AttributesSql = "SELECT attr_key, value FROM contact_attributes WHERE contact_id = @contactId";
    private const string TagsSql = "SELECT tag FROM contact_tags WHERE contact_id = @contactId";

    // The codes of the contact's last ended conversation. By the contact's index: SQLite otherwise walked every ended conversation
    // newest first until one was the contact's (0.18 s for a contact with none, at 592k ended conversations).
    private const string LastWrapUpSql = """
        SELECT c.code FROM conversation_wrap_ups w JOIN wrap_up_codes c ON c.id = w.code_id
        WHERE w.conversation_id = (SELECT cv.id FROM conversations cv {INDEXED_BY:ix_conversations_contact} WHERE cv.contact_id = @contactId AND cv.status = 'ended' ORDER BY cv.ended_at DESC, cv.id DESC {LIMIT:1})
        """;

    private sealed record AttributeRow(string AttrKey, string Value);

    /// <summary>Why the contact is outside the audience, or null when it is inside.</summary>
    public async Task<string?> ExcludesAsync(Audience audience, long contactId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (audience.Attributes is { Count: > 0 } attributes)
        {
            var values = (await connection.QueryAsync<AttributeRow>(new CommandDefinition(AttributesSql, new { contactId }, cancellationToken: ct)))
                .ToDictionary(a => a.AttrKey, a => a.Value);
            foreach (var (key, wanted) in attributes)
                if (values.GetValueOrDefault(key) is var actual && actual != wanted)
                    return actual is null ? $"audience: no {key} (wanted {wanted})" : $"audience: {key} is {actual}, not {wanted}";
        }
        if (audience.Tags is { Length: > 0 } || audience.NotTags is { Length: > 0 })
        {
            var tags = (await connection.QueryAsync<string>(new CommandDefinition(TagsSql, new { contactId }, cancellationToken: ct))).ToHashSet();
            if (audience.Tags?.FirstOrDefault(t => !tags.Contains(t)) is { } missing) return $"audience: not tagged {missing}";
            if (audience.NotTags?.FirstOrDefault(tags.Contains) is { } excluded) return $"audience: tagged {excluded}";
        }
        if (audience.LastWrapUp is { Length: > 0 } codes)
        {
            var last = (await connection.QueryAsync<string>(new CommandDefinition(db.Sql(LastWrapUpSql), new { contactId }, cancellationToken: ct))).ToList();
            if (!last.Any(codes.Contains))
                return last.Count == 0 ? $"audience: last conversation has no wrap-up code (wanted {string.Join(" or ", codes)})"
                    : $"audience: last wrap-up code {string.Join(", ", last)}, not {string.Join(" or ", codes)}";
        }
        return null;
    }
}
