using System.Data.Common;
using System.Text.Json;
using ContactHub.Data;
using Dapper;

namespace ContactHub.Campaigns;

public sealed record CampaignInput(string Name, string Trigger, TriggerParams Parameters, string Action, string? Channel, string? Template, string? Body,
    string? AssignTo, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? QuietStart, string? QuietEnd, long? CapCount, long? CapDays, bool Paused, string? ContentTemplate = null, string? BusinessHours = null);

public sealed class CampaignStore(Db db, TimeProvider clock)
{
    private const string Columns = """
        SELECT id, name, trigger_kind, trigger_params, action, channel, template, body, assign_to, starts_at, ends_at, quiet_start, quiet_end,
               cap_count, cap_days, paused, created_at, updated_at, content_template, business_hours
        FROM campaigns
        """ + "\n";

    private const string InsertSql = """
        INSERT INTO campaigns (name, trigger_kind, trigger_params, action, channel, template, body, assign_to, starts_at, ends_at, quiet_start, quiet_end,
            cap_count, cap_days, paused, created_at, updated_at, content_template, business_hours) {OUTPUT_ID}
        VALUES (@Name, @Trigger, @parameters, @Action, @Channel, @Template, @Body, @AssignTo, @StartsAt, @EndsAt, @QuietStart, @QuietEnd,
            @CapCount, @CapDays, @paused, @now, @now, @ContentTemplate, @BusinessHours) {RETURNING_ID}
        """;

    public async Task<long> CreateAsync(CampaignInput c, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertSql), Args(c), cancellationToken: ct));
    }

    private const string UpdateSql = """
        UPDATE campaigns SET name = @Name, trigger_kind = @Trigger, trigger_params = @parameters, action = @Action, channel = @Channel, template = @Template,
            body = @Body, assign_to = @AssignTo, starts_at = @StartsAt, ends_at = @EndsAt, quiet_start = @QuietStart, quiet_end = @QuietEnd,
            cap_count = @CapCount, cap_days = @CapDays, paused = @paused, content_template = @ContentTemplate, business_hours = @BusinessHours, updated_at = @now
        WHERE id = @id
        """;

    /// <summary>Pausing also cancels the campaign's messages still waiting in the outbox.</summary>
    private const string CancelPendingSql = """
        UPDATE outbox SET status = 'cancelled', last_error = 'campaign paused'
        WHERE status = 'pending' AND interaction_id IN (SELECT id FROM interactions WHERE campaign_id = @id)
        """;

    public Task<bool> UpdateAsync(long id, CampaignInput c, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var args = new DynamicParameters(Args(c));
            args.Add("id", id);
            var changed = await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, tx, cancellationToken: ct)) > 0;
            if (changed && c.Paused) await connection.ExecuteAsync(new CommandDefinition(db.Sql(CancelPendingSql), new { id }, tx, cancellationToken: ct));
            return changed;
        }, ct);

    private object Args(CampaignInput c) => new
    {
        c.Name, c.Trigger, parameters = JsonSerializer.Serialize(c.Parameters, CampaignRow.Json), c.Action, c.Channel, c.Template, c.Body, c.AssignTo,
        StartsAt = c.StartsAt?.ToUniversalTime(), EndsAt = c.EndsAt?.ToUniversalTime(), c.QuietStart, c.QuietEnd, c.CapCount, c.CapDays,
        paused = c.Paused ? 1 : 0, now = clock.GetUtcNow(), c.ContentTemplate, c.BusinessHours,
    };

    private const string GetSql = Columns + "WHERE id = @id";
    private const string ListSql = Columns + "ORDER BY id";

    public async Task<CampaignRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(db.Sql(GetSql), new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<CampaignRow>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<CampaignRow>(new CommandDefinition(db.Sql(ListSql), cancellationToken: ct))).ToList();
    }

    private const string KeysSql = "SELECT trigger_key FROM campaign_sends WHERE campaign_id = @campaignId AND created_at >= @since";

    public async Task<HashSet<string>> KnownKeysAsync(long campaignId, DateTimeOffset since, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(db.Sql(KeysSql), new { campaignId, since }, cancellationToken: ct))).ToHashSet();
    }

    private const string InsertSendSql = """
        INSERT INTO campaign_sends (campaign_id, contact_id, trigger_key, status, reason, scheduled_for, created_at) {OUTPUT_ID}
        SELECT @campaignId, @contactId, @triggerKey, @status, @reason, @scheduledFor, @now
        WHERE NOT EXISTS (SELECT 1 FROM campaign_sends {LOCK} WHERE campaign_id = @campaignId AND trigger_key = @triggerKey)
        {ON_CONFLICT_IGNORE} {RETURNING_ID}
        """;

    /// <summary>Claims a trigger for this campaign; null when another evaluation (or node) already has it.</summary>
    public async Task<long?> ClaimAsync(long campaignId, Decision decision, CancellationToken ct)
    {
        try
        {
            await using var connection = await db.OpenAsync(ct);
            return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(InsertSendSql), new
            {
                campaignId, contactId = decision.ContactId, triggerKey = decision.TriggerKey, status = decision.Outcome, reason = decision.Reason,
                scheduledFor = decision.ScheduledFor, now = clock.GetUtcNow(),
            }, cancellationToken: ct));
        }
        catch (DbException ex) when (db.Dialect.IsUniqueViolation(ex))
        {
            return null;
        }
    }

    private const string DueDeferredSql = """
        SELECT id, campaign_id, contact_id, trigger_key, status, reason, interaction_id, scheduled_for, created_at FROM campaign_sends
        WHERE campaign_id = @campaignId AND status = 'deferred' AND scheduled_for <= @now ORDER BY scheduled_for, id
        """;

    public async Task<IReadOnlyList<CampaignSend>> DueDeferredAsync(long campaignId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<CampaignSend>(new CommandDefinition(db.Sql(DueDeferredSql), new { campaignId, now = clock.GetUtcNow() }, cancellationToken: ct))).ToList();
    }

    private const string TakeDeferredSql = "UPDATE campaign_sends SET status = 'sending' WHERE id = @id AND status = 'deferred'";

    /// <summary>One node takes a deferred send when its time comes.</summary>
    public async Task<bool> TakeDeferredAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(TakeDeferredSql), new { id }, cancellationToken: ct)) == 1;
    }

    private const string SettleSql = "UPDATE campaign_sends SET status = @status, reason = @reason, interaction_id = @interactionId WHERE id = @id";

    public async Task SettleAsync(long id, string status, string? reason, long? interactionId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(SettleSql), new { id, status, reason, interactionId }, cancellationToken: ct));
    }

    private const string RecentSendsSql = """
        SELECT COUNT(*) FROM campaign_sends WHERE contact_id = @contactId AND status IN ('queued', 'sending', 'deferred', 'created') AND created_at >= @since
            AND id <> @except
        """;

    /// <summary>
    /// Messages already sent or on their way to the contact since then, across every campaign, but <paramref name="except"/>:
    /// a deferred send decided again when it comes due is not one of its own predecessors.
    /// </summary>
    public async Task<long> RecentSendsAsync(long contactId, DateTimeOffset since, long? except, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(RecentSendsSql), new { contactId, since, except = except ?? 0 }, cancellationToken: ct));
    }

    // A queued send's status is its message's from then on (sent, delivered, read, failed), as the stats count it, and so is its
    // reason: the message's error (Twilio's refusal, a channel without settings), so that "failed" says why. Combined in C#: a
    // CASE over two nullable columns has no declared type on SQLite, and Dapper then finds no constructor for a page of NULLs.
    private const string SendsSql = """
        SELECT s.id, s.campaign_id, s.contact_id, s.trigger_key, s.status, s.reason, i.status AS message_status, i.error AS message_error,
            s.interaction_id, s.scheduled_for, s.created_at
        FROM campaign_sends s LEFT JOIN interactions i ON i.id = s.interaction_id
        WHERE s.campaign_id = @campaignId ORDER BY s.id DESC {LIMIT:@limit}
        """;

    private sealed record SendRow(long Id, long CampaignId, long ContactId, string TriggerKey, string Status, string? Reason, string? MessageStatus,
        string? MessageError, long? InteractionId, DateTimeOffset? ScheduledFor, DateTimeOffset CreatedAt)
    {
        public CampaignSend Send() => Status == "queued" && MessageStatus is not null
            ? new(Id, CampaignId, ContactId, TriggerKey, MessageStatus, MessageError, InteractionId, ScheduledFor, CreatedAt)
            : new(Id, CampaignId, ContactId, TriggerKey, Status, Reason, InteractionId, ScheduledFor, CreatedAt);
    }

    public async Task<IReadOnlyList<CampaignSend>> SendsAsync(long campaignId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<SendRow>(new CommandDefinition(db.Sql(SendsSql), new { campaignId, limit }, cancellationToken: ct))).Select(r => r.Send()).ToList();
    }

    public sealed record Stats(long Triggered, long Queued, long Deferred, long Skipped, long Sent, long Delivered, long Failed, long RepliedWithin72h, long OptedOutAfter);

    private sealed record SendOutcome(string Status, long ContactId, DateTimeOffset CreatedAt, string? InteractionStatus, DateTimeOffset? SentAt);
    private sealed record ContactEvent(long ContactId, DateTimeOffset At);

    private const string StatsSendsSql = """
        SELECT s.status, s.contact_id, s.created_at, i.status AS interaction_status, i.occurred_at AS sent_at
        FROM campaign_sends s LEFT JOIN interactions i ON i.id = s.interaction_id
        WHERE s.campaign_id = @campaignId
        """;

    private const string StatsRepliesSql = """
        SELECT r.contact_id, r.occurred_at AS at FROM interactions r
        WHERE r.direction = 'inbound' AND r.contact_id IN (SELECT contact_id FROM campaign_sends WHERE campaign_id = @campaignId)
          AND (r.status IS NULL OR r.status <> 'auto-replied')
        """;

    private const string StatsOptOutsSql = """
        SELECT k.contact_id, k.updated_at AS at FROM consents k
        WHERE k.status = 'opted_out' AND k.contact_id IN (SELECT contact_id FROM campaign_sends WHERE campaign_id = @campaignId)
        """;

    public async Task<Stats> StatsAsync(long campaignId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var sends = (await connection.QueryAsync<SendOutcome>(new CommandDefinition(db.Sql(StatsSendsSql), new { campaignId }, cancellationToken: ct))).ToList();
        var replies = (await connection.QueryAsync<ContactEvent>(new CommandDefinition(db.Sql(StatsRepliesSql), new { campaignId }, cancellationToken: ct))).ToLookup(r => r.ContactId);
        var optOuts = (await connection.QueryAsync<ContactEvent>(new CommandDefinition(db.Sql(StatsOptOutsSql), new { campaignId }, cancellationToken: ct))).ToLookup(r => r.ContactId);
        return new Stats(
            sends.Count,
            sends.Count(s => s.Status == "queued" && s.InteractionStatus is null or "queued"),
            sends.Count(s => s.Status == "deferred"),
            sends.Count(s => s.Status == "skipped"),
            sends.Count(s => s.InteractionStatus is "sent" or "delivered" or "read"),
            sends.Count(s => s.InteractionStatus is "delivered" or "read"),
            sends.Count(s => s.InteractionStatus is "failed" or "undelivered"),
            sends.Count(s => s.SentAt is { } at && replies[s.ContactId].Any(r => r.At > at && r.At <= at.AddHours(72))),
            sends.Count(s => s.SentAt is { } at && optOuts[s.ContactId].Any(o => o.At > at)));
    }
}
