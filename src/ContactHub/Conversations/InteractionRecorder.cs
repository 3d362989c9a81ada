using System.Data.Common;
using ContactHub.Contacts;
using ContactHub.Data;
using ContactHub.Hosting;
using Dapper;
using Microsoft.Extensions.Options;

namespace ContactHub.Conversations;

public sealed record RecordResult(long InteractionId, long ContactId, long ConversationId, bool ContactCreated, bool ConversationCreated, bool Repeated);

/// <summary>
/// Records one interaction in one transaction: idempotency on (provider, providerRef), recognition
/// of the contact, then grouping into the explicit, the active, or a new conversation (DESIGN §5).
/// </summary>
public sealed class InteractionRecorder(Db db, ContactRecognizer recognizer, IOptions<ConversationsOptions> options, TimeProvider clock, ILogger<InteractionRecorder> logger)
{
    private sealed record Existing(long Id, long ContactId, long ConversationId, string? Status);

    private const string FindByRefSql = """
        SELECT id, contact_id, conversation_id, status FROM interactions WHERE provider = @provider AND provider_ref = @providerRef
        """;

    private const string UpdateByRefSql = """
        UPDATE interactions SET
            status = COALESCE(@status, status),
            ended_at = COALESCE(@endedAt, ended_at),
            duration_seconds = COALESCE(@durationSeconds, duration_seconds),
            agent = COALESCE(agent, @agent),
            metadata = COALESCE(@metadata, metadata),
            error = COALESCE(@error, error),
            updated_at = @now
        WHERE id = @id
        """;

    private const string ConversationSql = ConversationStore.Columns + """
        WHERE cv.id = @id
        """;

    private const string ActiveConversationSql = ConversationStore.Columns + """
        WHERE cv.contact_id = @contactId AND cv.status = 'active'
        ORDER BY cv.last_activity_at DESC {LIMIT:1}
        """;

    // Serialises grouping per contact on the server engines: two simultaneous first events make one conversation.
    private const string LockContactSql = "UPDATE contacts SET merged_into_id = merged_into_id WHERE id = @contactId";

    private const string InsertConversationSql = """
        INSERT INTO conversations (contact_id, status, started_at, last_activity_at, agent, subject, channels, last_channel, interaction_count) {OUTPUT_ID}
        VALUES (@contactId, 'active', @occurredAt, @occurredAt, @agent, @subject, '', NULL, 0) {RETURNING_ID}
        """;

    private const string InsertInteractionSql = """
        INSERT INTO interactions (conversation_id, contact_id, channel, direction, occurred_at, ended_at, duration_seconds, agent, status,
            subject, body, provider, provider_ref, campaign_id, metadata, created_at, updated_at) {OUTPUT_ID}
        VALUES (@conversationId, @contactId, @channel, @direction, @occurredAt, @endedAt, @durationSeconds, @agent, @status,
            @subject, @body, @provider, @providerRef, @campaignId, @metadata, @now, @now) {RETURNING_ID}
        """;

    private const string TouchConversationSql = """
        UPDATE conversations SET
            status = CASE WHEN @reopen = 1 THEN 'active' ELSE status END, ended_at = CASE WHEN @reopen = 1 THEN NULL ELSE ended_at END,
            last_activity_at = @lastActivityAt, channels = @channels,
            last_channel = @channel, interaction_count = interaction_count + 1, agent = COALESCE(agent, @agent)
        WHERE id = @id
        """;

    /// <summary>A delivery callback: moves the interaction's status on (never back) and keeps the provider's error.</summary>
    public Task<bool> UpdateStatusAsync(string provider, string providerRef, string status, string? error, CancellationToken ct = default) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            var existing = await connection.QuerySingleOrDefaultAsync<Existing>(new CommandDefinition(db.Sql(FindByRefSql), new { provider, providerRef }, transaction, cancellationToken: ct));
            if (existing is null) return false;
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateByRefSql), new
            {
                id = existing.Id, status = InteractionStatus.Next(existing.Status, status), endedAt = (DateTimeOffset?)null, durationSeconds = (long?)null,
                agent = (string?)null, metadata = (string?)null, error, now = clock.GetUtcNow(),
            }, transaction, cancellationToken: ct));
            return true;
        }, ct);

    public Task<RecordResult> RecordAsync(NewInteraction interaction, CancellationToken ct = default) =>
        db.InTransactionAsync((connection, transaction) => RecordAsync(connection, transaction, interaction, ct), ct);

    public async Task<RecordResult> RecordAsync(DbConnection connection, DbTransaction transaction, NewInteraction i, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (i.ProviderRef is not null
            && await connection.QuerySingleOrDefaultAsync<Existing>(new CommandDefinition(db.Sql(FindByRefSql), new { provider = i.Provider, providerRef = i.ProviderRef }, transaction, cancellationToken: ct)) is { } existing)
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateByRefSql),
                new
                {
                    id = existing.Id, status = InteractionStatus.Next(existing.Status, i.Status), endedAt = i.EndedAt, durationSeconds = i.DurationSeconds,
                    agent = i.Agent, metadata = i.Metadata, error = (string?)null, now,
                }, transaction, cancellationToken: ct));
            return new RecordResult(existing.Id, existing.ContactId, existing.ConversationId, false, false, Repeated: true);
        }

        ConversationRow? conversation = null;
        if (i.ConversationId is { } explicitId)
        {
            conversation = await connection.QuerySingleOrDefaultAsync<ConversationRow>(new CommandDefinition(db.Sql(ConversationSql), new { id = explicitId }, transaction, cancellationToken: ct))
                ?? throw new DomainException(404, "Conversation not found", $"conversationId {explicitId} does not exist.");
        }

        var recognized = await recognizer.RecognizeAsync(connection, transaction, i.Identifiers, i.CustomerName, conversation?.ContactId, ct);
        var contactId = recognized.ContactId;
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(LockContactSql), new { contactId }, transaction, cancellationToken: ct));

        if (conversation is null && !recognized.Created)
        {
            var active = await connection.QuerySingleOrDefaultAsync<ConversationRow>(new CommandDefinition(db.Sql(ActiveConversationSql), new { contactId }, transaction, cancellationToken: ct));
            if (active is not null && (i.OccurredAt - active.LastActivityAt).Duration() <= options.Value.InactivityTimeout)
                conversation = active;
        }

        var conversationCreated = conversation is null;
        var conversationId = conversation?.Id ?? await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertConversationSql),
            new { contactId, occurredAt = i.OccurredAt, agent = i.Agent, subject = i.Subject }, transaction, cancellationToken: ct));

        var interactionId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertInteractionSql), new
        {
            conversationId, contactId, channel = i.Channel, direction = i.Direction, occurredAt = i.OccurredAt, endedAt = i.EndedAt,
            durationSeconds = i.DurationSeconds, agent = i.Agent, status = i.Status, subject = i.Subject, body = i.Body,
            provider = i.Provider, providerRef = i.ProviderRef, campaignId = i.CampaignId, metadata = i.Metadata, now,
        }, transaction, cancellationToken: ct));

        var lastActivity = conversation is null || i.OccurredAt > conversation.LastActivityAt ? i.OccurredAt : conversation.LastActivityAt;
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(TouchConversationSql), new
        {
            id = conversationId, lastActivityAt = lastActivity, channels = ConversationRow.AddChannel(conversation?.Channels ?? "", i.Channel), channel = i.Channel, agent = i.Agent,
            // The customer writing into an ended conversation resumes it; our own summary sent after the end does not.
            reopen = i.Direction == "inbound" ? 1 : 0,
        }, transaction, cancellationToken: ct));

        ConversationsLog.Recorded(logger, interactionId, i.Channel, i.Direction, contactId, conversationId);
        return new RecordResult(interactionId, contactId, conversationId, recognized.Created, conversationCreated, Repeated: false);
    }
}
