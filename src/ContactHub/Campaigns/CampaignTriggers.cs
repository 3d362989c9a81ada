using ContactHub.Data;
using Dapper;

namespace ContactHub.Campaigns;

/// <summary>The activity each trigger looks for, read from the interaction records.</summary>
public sealed class CampaignTriggers(Db db)
{
    private sealed record MissedCall(long Id, long ContactId, long ConversationId);
    private sealed record Ended(long Id, long ContactId, string? Agent, string Channels);
    private sealed record Inactive(long ContactId, DateTimeOffset LastAt, long Conversations);
    private sealed record Overdue(long Id, long ContactId, long? ConversationId, string? AssignedTo, string Title);

    // A call counts as returned once anyone reached out to the contact afterwards (a campaign's own message does not count).
    private const string MissedCallsSql = """
        SELECT i.id, i.contact_id, i.conversation_id FROM interactions i JOIN contacts c ON c.id = i.contact_id
        WHERE i.channel = 'call' AND i.direction = 'inbound' AND i.status IN ('missed', 'voicemail') AND i.occurred_at >= @since AND i.occurred_at <= @due
          AND c.erased_at IS NULL AND c.merged_into_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM interactions o WHERE o.contact_id = i.contact_id AND o.direction = 'outbound'
                          AND o.occurred_at > i.occurred_at AND o.campaign_id IS NULL)
        ORDER BY i.occurred_at, i.id
        """;

    private const string EndedConversationsSql = """
        SELECT cv.id, cv.contact_id, cv.agent, cv.channels FROM conversations cv JOIN contacts c ON c.id = cv.contact_id
        WHERE cv.status = 'ended' AND cv.ended_at >= @since AND cv.ended_at <= @due AND c.erased_at IS NULL AND c.merged_into_id IS NULL
        ORDER BY cv.ended_at, cv.id
        """;

    private const string InactiveContactsSql = """
        SELECT i.contact_id, MAX(i.occurred_at) AS last_at, COUNT(DISTINCT i.conversation_id) AS conversations
        FROM interactions i JOIN contacts c ON c.id = i.contact_id
        WHERE c.erased_at IS NULL AND c.merged_into_id IS NULL
        GROUP BY i.contact_id
        HAVING MAX(i.occurred_at) < @due AND COUNT(DISTINCT i.conversation_id) >= @minConversations
        ORDER BY i.contact_id
        """;

    private const string OverdueFollowUpsSql = """
        SELECT f.id, f.contact_id, f.conversation_id, f.assigned_to, f.title FROM follow_ups f
        WHERE f.status = 'open' AND f.due_at < @now AND f.due_at >= @since
        ORDER BY f.due_at, f.id
        """;

    public async Task<IReadOnlyList<Candidate>> FindAsync(CampaignRow campaign, DateTimeOffset since, DateTimeOffset now, CancellationToken ct)
    {
        var p = campaign.Parameters;
        await using var connection = await db.OpenAsync(ct);
        CommandDefinition Query(string sql, object args) => new(db.Sql(sql), args, cancellationToken: ct);
        switch (campaign.TriggerKind)
        {
            case Triggers.MissedCallNotReturned:
                return (await connection.QueryAsync<MissedCall>(Query(MissedCallsSql, new { since, due = now.AddMinutes(-(p.Minutes ?? 30)) })))
                    .Select(m => new Candidate(m.ContactId, $"missed-call:{m.Id}", m.ConversationId)).ToList();
            case Triggers.ConversationEnded:
                return (await connection.QueryAsync<Ended>(Query(EndedConversationsSql, new { since, due = now.AddMinutes(-(p.Minutes ?? 0)) })))
                    .Where(e => p.Agents is not { Length: > 0 } || (e.Agent is not null && p.Agents.Contains(e.Agent)))
                    .Where(e => p.Channels is not { Length: > 0 } || p.Channels.Any(c => e.Channels.Contains($",{c},", StringComparison.Ordinal)))
                    .Select(e => new Candidate(e.ContactId, $"conversation:{e.Id}", e.Id, e.Agent)).ToList();
            case Triggers.InactiveCustomer:
                return (await connection.QueryAsync<Inactive>(Query(InactiveContactsSql, new { due = now.AddDays(-(p.Days ?? 90)), minConversations = (long)(p.MinConversations ?? 1) })))
                    .Select(i => new Candidate(i.ContactId, $"inactive:{i.ContactId}:{i.LastAt.UtcTicks}", null)).ToList();
            case Triggers.FollowUpOverdue:
                return (await connection.QueryAsync<Overdue>(Query(OverdueFollowUpsSql, new { since, now })))
                    .Select(f => new Candidate(f.ContactId, $"follow-up:{f.Id}", f.ConversationId, f.AssignedTo, f.Id, f.Title)).ToList();
            default:
                return [];
        }
    }
}
