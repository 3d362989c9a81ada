using System.Text.Json;
using System.Text.Json.Serialization;
using ContactHub.Channels;
using ContactHub.Channels.Email;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Events;
using ContactHub.Outbox;
using Dapper;
using Microsoft.Extensions.Options;

namespace ContactHub.Conversations;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AttachmentRequest(string? FileName, string? ContentType, string? ContentBase64);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SendMessageRequest(string? Channel, string? To = null, string? Subject = null, string? Body = null, string? Template = null,
    JsonElement? Data = null, string? Purpose = null, string? Agent = null, List<AttachmentRequest>? Attachments = null, string? ContentTemplate = null);

public sealed record QueuedMessage(long InteractionId, string Status, string Channel, string To);

public enum MessageOutcome { Queued, NotFound, Ended, Invalid, Unprocessable }

public sealed record MessageResult(MessageOutcome Outcome, QueuedMessage? Queued = null, Dictionary<string, string[]>? Errors = null, string? Detail = null)
{
    public static MessageResult Invalid(string field, string message) => new(MessageOutcome.Invalid, Errors: new() { [field] = [message] });
    public static MessageResult Unprocessable(string field, string message) => new(MessageOutcome.Unprocessable, Errors: new() { [field] = [message] }, Detail: message);
}

/// <summary>
/// An agent's email, SMS or WhatsApp from a conversation: the outbound interaction (queued) and its
/// outbox row are written in one transaction, then the dispatcher is woken. Nothing is sent here.
/// </summary>
public sealed class ConversationMessenger(
    Db db, ConversationStore conversations, ContactStore contacts, ConsentStore consents, IdentifierNormalizer normalizer, TemplateRenderer templates,
    InteractionRecorder recorder, OutboxStore outbox, OutboxSignal signal, OutboundChannels outbound, EventLog events, MessageTemplateStore contentTemplates,
    WhatsAppWindow whatsAppWindow, IOptions<EmailOptions> email, TimeProvider clock)
{
    private const string ThreadSql = """
        SELECT provider_ref FROM interactions
        WHERE conversation_id = @conversationId AND channel = 'email' AND provider_ref IS NOT NULL
        ORDER BY occurred_at, id
        """;

    private sealed record Earlier(long Id, string? Status);

    private const string FindIdempotentSql = """
        SELECT i.id, i.status FROM idempotency_keys k JOIN interactions i ON i.id = k.result_id
        WHERE k.scope = @scope AND k.idem_key = @key
        """;

    private const string InsertIdempotentSql = """
        INSERT INTO idempotency_keys (scope, idem_key, result_id, created_at) VALUES (@scope, @key, @resultId, @now)
        """;

    /// <param name="summary">A summary may still go out as the conversation ends; other messages need an active conversation.</param>
    /// <param name="summaryText">The summary the conversation is about to end with, for {{ conversation.summary }}.</param>
    /// <param name="campaignId">The campaign the message belongs to (its interaction is tagged with it).</param>
    public async Task<MessageResult> SendAsync(long conversationId, SendMessageRequest request, bool summary, string? idempotencyKey, CancellationToken ct,
        string? summaryText = null, long? campaignId = null)
    {
        var channel = request.Channel?.Trim().ToLowerInvariant();
        if (channel is null || !Channel.Outbound.Contains(channel)) return MessageResult.Invalid("channel", "email, sms or whatsapp.");
        if (request.Purpose is not (null or "transactional" or "marketing")) return MessageResult.Invalid("purpose", "transactional (the default) or marketing.");
        if (request.Body?.Length > InteractionValidation.MaxBodyLength) return MessageResult.Invalid("body", $"At most {InteractionValidation.MaxBodyLength} characters.");
        if (request.Subject?.Length > 1000) return MessageResult.Invalid("subject", "At most 1000 characters.");
        if (idempotencyKey?.Length > 200) return MessageResult.Invalid("Idempotency-Key", "At most 200 characters.");

        // What the request names comes first: a conversation that does not exist is a 404 whatever the channel's settings.
        var conversation = await conversations.GetAsync(conversationId, ct);
        if (conversation is null) return new(MessageOutcome.NotFound, Detail: $"Conversation {conversationId} does not exist.");
        if (conversation.Status != "active" && !summary) return new(MessageOutcome.Ended, Detail: $"Conversation {conversationId} has ended; start a new one to write again.");
        if (outbound.Find(channel) is not { } sender) return MessageResult.Unprocessable("channel", $"No {channel} channel is configured here.");
        if (sender.Unavailable is { } unavailable) return MessageResult.Unprocessable("channel", unavailable);

        var contact = await contacts.GetAsync(conversation.ContactId, ct);
        if (contact is null) return new(MessageOutcome.NotFound, Detail: $"The conversation's contact no longer exists.");

        // Where to: the address given, else the contact's own for that channel.
        var kind = channel == Channel.Email ? IdentifierKind.Email : IdentifierKind.Phone;
        string? to;
        if (request.To is not null)
        {
            to = normalizer.Normalize(kind, request.To)?.Value;
            if (to is null) return MessageResult.Invalid("to", normalizer.Refusal(kind, channel == Channel.Email ? "email address" : "phone number"));
        }
        else
        {
            to = contact.Identifiers.FirstOrDefault(i => i.Kind == kind)?.Value;
            if (to is null) return MessageResult.Unprocessable("to", $"Contact {contact.Id} has no {(channel == Channel.Email ? "email address" : "phone number")}; give one in 'to'.");
        }

        // Consent binds marketing only: a transactional message answers what the customer asked for in this conversation.
        if (request.Purpose == "marketing" && !await consents.AllowsAsync(contact.Id, channel, ct))
            return MessageResult.Unprocessable("purpose", $"Contact {contact.Id} opted out of {channel}; marketing messages are not sent.");

        Dictionary<string, object?> Model() => new()
        {
            ["contact"] = new Dictionary<string, object?> { ["id"] = contact.Id, ["name"] = contact.Name },
            ["conversation"] = new Dictionary<string, object?>
            {
                ["id"] = conversation.Id, ["subject"] = conversation.Subject, ["agent"] = request.Agent ?? conversation.Agent,
                ["summary"] = summaryText ?? conversation.Summary, ["channels"] = conversation.Channels.ToList(), ["started_at"] = conversation.StartedAt,
            },
            ["data"] = request.Data is { ValueKind: JsonValueKind.Object } data ? TemplateRenderer.FromJson(data) : new Dictionary<string, object?>(),
        };

        // A Twilio Content template (registered by name) may replace the free text; on WhatsApp outside the customer's 24-hour
        // window it must: WhatsApp refuses free text there (Twilio error 63016), so it is refused here, before anything is queued.
        MessageTemplate? content = null;
        if (request.ContentTemplate is { } contentName)
        {
            if (channel is not (Channel.WhatsApp or Channel.Sms)) return MessageResult.Invalid("contentTemplate", "Content templates go with whatsapp or sms.");
            content = await contentTemplates.GetAsync(contentName, ct);
            if (content is null) return MessageResult.Unprocessable("contentTemplate", $"There is no message template '{contentName}'; register it under /api/v1/message-templates.");
            if (content.Channel != channel) return MessageResult.Unprocessable("contentTemplate", $"'{contentName}' is a {content.Channel} template, not {channel}.");
        }
        var freeText = request.Template is not null || !string.IsNullOrWhiteSpace(request.Body);
        if (channel == Channel.WhatsApp && freeText)
        {
            var last = await whatsAppWindow.LastInboundAsync(contact.Id, ct);
            if (!WhatsAppWindow.IsOpen(last, clock.GetUtcNow()))
            {
                if (content is null)
                    return MessageResult.Unprocessable("body", $"Contact {contact.Id}'s WhatsApp 24-hour window is closed (" +
                        (last is { } l ? $"they last wrote at {l:yyyy-MM-ddTHH:mm:ssZ}" : "they never wrote on WhatsApp") +
                        "): WhatsApp only delivers an approved template now. Give 'contentTemplate' (see /api/v1/message-templates).");
                freeText = false; // the template goes instead
            }
        }

        string? subject = request.Subject;
        string body;
        string? contentVariables = null;
        if (content is not null && !freeText)
        {
            var model = Model();
            var values = new Dictionary<string, string>();
            foreach (var (key, liquid) in content.Variables)
            {
                var (value, problem) = templates.RenderText(liquid, $"Variable {{{{{key}}}}} of '{content.Name}'", model);
                if (problem is not null) return MessageResult.Unprocessable(problem.Field, problem.Message);
                values[key] = value!;
            }
            contentVariables = JsonSerializer.Serialize(values);
            var (preview, previewProblem) = content.Preview is { } p ? templates.RenderText(p, $"The preview of '{content.Name}'", model) : ($"[template {content.Name}]", null);
            if (previewProblem is not null) return MessageResult.Unprocessable(previewProblem.Field, previewProblem.Message);
            body = preview!;
        }
        else if (request.Template is { } templateName)
        {
            var (rendered, problem) = templates.Render(templateName, channel, Model());
            if (problem is not null) return MessageResult.Unprocessable(problem.Field, problem.Message);
            subject ??= rendered!.Subject;
            body = rendered!.Body;
        }
        else if (string.IsNullOrWhiteSpace(request.Body))
            return MessageResult.Invalid("body", "Give a body, a template or a contentTemplate.");
        else
            body = request.Body;
        if (body.Length > InteractionValidation.MaxBodyLength) return MessageResult.Invalid("body", $"The rendered message exceeds {InteractionValidation.MaxBodyLength} characters.");

        var attachments = new List<OutboxAttachment>();
        var total = 0L;
        foreach (var (a, index) in (request.Attachments ?? []).Select((a, i) => (a, i)))
        {
            var field = $"attachments[{index}]";
            if (channel != Channel.Email) return MessageResult.Invalid(field, "Attachments go with emails only.");
            if (string.IsNullOrWhiteSpace(a.FileName) || a.FileName.Length > 200) return MessageResult.Invalid(field + ".fileName", "A file name of 1 to 200 characters.");
            if (!MimeKit.ContentType.TryParse(a.ContentType ?? "", out _)) return MessageResult.Invalid(field + ".contentType", "A MIME type such as application/pdf.");
            try { total += Convert.FromBase64String(a.ContentBase64 ?? "").Length; }
            catch (FormatException) { return MessageResult.Invalid(field + ".contentBase64", "Base64-encoded content."); }
            if (total > email.Value.MaxAttachmentBytes)
                return MessageResult.Invalid("attachments", $"At most {email.Value.MaxAttachmentBytes / (1024 * 1024)} MB of attachments{(email.Value.Transport == EmailTransportKind.Graph ? " through Graph, which takes at most 4 MB a message" : "")}.");
            attachments.Add(new OutboxAttachment(a.FileName, a.ContentType!, a.ContentBase64!));
        }

        var now = clock.GetUtcNow();
        var messageId = sender.NewProviderRef();
        if (channel == Channel.Email) subject ??= conversation.Subject is { } s ? $"Re: {s}" : "Your conversation with us";
        var metadata = JsonSerializer.SerializeToElement(new
        {
            to, purpose = request.Purpose ?? "transactional", template = freeText ? request.Template : null, contentTemplate = freeText ? null : content?.Name,
            contentSid = freeText ? null : content?.ContentSid, attachments = attachments.Select(a => a.FileName),
        });
        var interaction = new NewInteraction(channel, "outbound", InteractionValidation.Micro(now), null, null, [new Identifier(kind, "", to)], null,
            conversationId, request.Agent?.Trim() ?? conversation.Agent, "queued", subject, body, sender.Provider, messageId,
            metadata.GetRawText(), campaignId);

        var scope = $"conversation-message:{conversationId}";
        var (queued, repeated) = await db.InTransactionAsync(async (connection, tx) =>
        {
            // A retried request (same Idempotency-Key) gets the first answer; nothing is queued twice.
            if (idempotencyKey is not null && await connection.QuerySingleOrDefaultAsync<Earlier>(new CommandDefinition(db.Sql(FindIdempotentSql),
                    new { scope, key = idempotencyKey }, tx, cancellationToken: ct)) is { } earlier)
                return (new QueuedMessage(earlier.Id, earlier.Status ?? "queued", channel, to), true);
            var thread = channel == Channel.Email
                ? (await connection.QueryAsync<string>(new CommandDefinition(db.Sql(ThreadSql), new { conversationId }, tx, cancellationToken: ct))).ToList()
                : [];
            var recorded = await recorder.RecordAsync(connection, tx, interaction, ct);
            if (campaignId is { } campaign)
                await events.AppendAsync(connection, tx, new NewEvent(EventTypes.CampaignMessageQueued, recorded.ContactId, new
                {
                    campaignId = campaign, interactionId = recorded.InteractionId, conversationId, contactId = recorded.ContactId, channel,
                }) { ConversationId = conversationId, InteractionId = recorded.InteractionId, Channel = channel, Agent = interaction.Agent }, ct);
            await outbox.EnqueueAsync(connection, tx, recorded.InteractionId, channel, new OutboxPayload(to, body, subject, null, messageId,
                thread.LastOrDefault(), thread.TakeLast(20).ToList(), null, attachments.Count == 0 ? null : attachments,
                freeText ? null : content?.ContentSid, contentVariables), ct);
            if (idempotencyKey is not null)
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertIdempotentSql),
                    new { scope, key = idempotencyKey, resultId = recorded.InteractionId, now }, tx, cancellationToken: ct));
            return (new QueuedMessage(recorded.InteractionId, "queued", channel, to), false);
        }, ct);
        if (!repeated) signal.Set();
        return new(MessageOutcome.Queued, queued);
    }
}
