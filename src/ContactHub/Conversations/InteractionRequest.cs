using System.ComponentModel;
using System.Text.Json;
using ContactHub.Channels;
using ContactHub.Contacts;

namespace ContactHub.Conversations;

[Description("Who the customer is: every identifier the event carries helps recognise them.")]
public sealed record CustomerRef(
    [property: Description("Phone number, E.164 or national in Contacts:DefaultRegion.")] string? Phone = null,
    string? Email = null,
    [property: Description("WhatsApp sender; 'whatsapp:' prefixes are accepted. Recorded as a phone identifier.")] string? Whatsapp = null,
    [property: Description("The contact's id in the CRM.")] string? ExternalId = null,
    HandleRef? Handle = null,
    [property: Description("Fills the contact's name when it has none.")] string? Name = null,
    [property: Description("Typed contact attributes (GET /api/v1/contact-attributes), set on the recognised contact: {\"tier\": \"gold\"}.")]
    Dictionary<string, JsonElement>? Attributes = null);

public sealed record HandleRef(string? Provider, string? Value);

/// <summary>One event of any channel, as a telephony platform, chat platform, mailbox bridge or agent reports it.</summary>
public sealed record InteractionRequest(
    [property: Description("call, chat, sms, whatsapp, messaging or email")] string? Channel,
    [property: Description("inbound or outbound")] string? Direction,
    [property: Description("When it happened (a call: when it started), with its offset, e.g. 2026-11-23T09:30:00Z. Left out: now, or for an interaction given its endedAt, durationSeconds before it.")] DateTimeOffset? OccurredAt = null,
    [property: Description("When it ended, with its offset; or give durationSeconds.")] DateTimeOffset? EndedAt = null,
    long? DurationSeconds = null,
    CustomerRef? Customer = null,
    [property: Description("Join this conversation instead of grouping by contact and inactivity.")] long? ConversationId = null,
    string? Agent = null,
    [property: Description("e.g. ringing, in-progress, completed, missed, sent, delivered")] string? Status = null,
    string? Subject = null,
    string? Body = null,
    [property: Description("Source system, e.g. twilio, genesys, imap. Defaults to 'api' when providerRef is given.")] string? Provider = null,
    [property: Description("The source's own id (CallSid, MessageSid, Message-ID): a repeat is recorded once.")] string? ProviderRef = null,
    JsonElement? Metadata = null);

/// <summary>A validated, normalised interaction, ready to be recorded.</summary>
public sealed record NewInteraction(string Channel, string Direction, DateTimeOffset OccurredAt, DateTimeOffset? EndedAt, long? DurationSeconds,
    IReadOnlyList<Identifier> Identifiers, string? CustomerName, long? ConversationId, string? Agent, string? Status, string? Subject, string? Body,
    string? Provider, string? ProviderRef, string? Metadata, long? CampaignId = null)
{
    /// <summary>Checked, canonical contact attributes to set on the recognised contact (null: remove one).</summary>
    public IReadOnlyDictionary<string, string?>? Attributes { get; init; }

    /// <summary>Filed in its (given) conversation without bringing it back to life: a survey's answer after the conversation ended.</summary>
    public bool KeepsConversationEnded { get; init; }

    /// <summary>When the interaction was over: its end, else its start plus its duration (a call lasts), else its start.</summary>
    public DateTimeOffset LastsUntil => EndedAt ?? (DurationSeconds is > 0 and long seconds ? OccurredAt.AddSeconds(seconds) : OccurredAt);
}

public static class InteractionValidation
{
    public const int MaxBodyLength = 100_000;
    public const int MaxMetadataLength = 16_384;

    /// <summary>Checks and normalises a request; errors are keyed by the JSON path of the field at fault.</summary>
    /// <param name="schema">The contact attribute schema; needed only when the request carries customer.attributes (unknown keys are refused without it).</param>
    public static (NewInteraction? Interaction, Dictionary<string, string[]> Errors) Validate(InteractionRequest request, IdentifierNormalizer normalizer, DateTimeOffset now,
        IReadOnlyDictionary<string, AttributeDefinition>? schema = null)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        var channel = request.Channel?.Trim().ToLowerInvariant();
        if (channel is null || !Channel.IsKnown(channel)) Fail("channel", $"{(string.IsNullOrEmpty(channel) ? "Required" : "Not a channel")}; one of {Channel.List(Channel.All)}.");
        var direction = request.Direction?.Trim().ToLowerInvariant();
        if (direction is null || !Directions.All.Contains(direction)) Fail("direction", $"{(string.IsNullOrEmpty(direction) ? "Required" : "Not a direction")}; inbound or outbound.");

        var identifiers = new List<Identifier>();
        var customer = request.Customer;
        if (customer is not null)
        {
            Add(identifiers, errors, "customer.phone", customer.Phone, normalizer.Normalize(IdentifierKind.Phone, customer.Phone), normalizer.Refusal(IdentifierKind.Phone, "phone number"));
            Add(identifiers, errors, "customer.whatsapp", customer.Whatsapp, normalizer.Normalize(IdentifierKind.Phone, customer.Whatsapp), normalizer.Refusal(IdentifierKind.Phone, "WhatsApp number"));
            Add(identifiers, errors, "customer.email", customer.Email, normalizer.Normalize(IdentifierKind.Email, customer.Email), "Not a valid email address.");
            Add(identifiers, errors, "customer.externalId", customer.ExternalId, normalizer.Normalize(IdentifierKind.External, customer.ExternalId), "At most 200 characters.");
            if (customer.Handle is { } handle)
                Add(identifiers, errors, "customer.handle", handle.Value ?? handle.Provider, normalizer.Normalize(IdentifierKind.Handle, handle.Value, handle.Provider), "A handle needs a provider (≤ 64 characters) and a value (≤ 200).");
            if (customer.Name?.Length > 200) Fail("customer.name", "At most 200 characters.");
        }
        Dictionary<string, string?>? attributes = null;
        if (customer?.Attributes is { Count: > 0 } given)
        {
            var (values, attributeErrors) = AttributeRules.Check(given, schema ?? new Dictionary<string, AttributeDefinition>(), "customer.attributes");
            foreach (var (field, messages) in attributeErrors) errors[field] = messages;
            attributes = values;
        }
        if (identifiers.Count == 0 && request.ConversationId is null && !errors.Keys.Any(k => k.StartsWith("customer", StringComparison.Ordinal)))
            Fail("customer", "Give at least one of phone, email, whatsapp, externalId or handle (or a conversationId).");
        if (request.ConversationId is <= 0) Fail("conversationId", "Must be a positive id.");

        var endedAt = request.EndedAt is { } e ? Micro(e) : (DateTimeOffset?)null;
        // Without its start, an interaction given its end began its duration (if given) before it: taken to start now, one
        // logged with a past end was refused for ending before it began. Given neither start nor end, it starts now — a call
        // posted right after a chat, with its duration, is the call that followed the chat.
        var occurredAt = Micro(request.OccurredAt
            ?? (endedAt is { } ended ? ended.AddSeconds(-(request.DurationSeconds is >= 0 and <= 7 * 86_400 and var seconds ? seconds : 0)) : now));
        if (occurredAt > now.AddDays(1)) Fail("occurredAt", "Lies more than a day in the future.");
        if (occurredAt.Year < 2000) Fail("occurredAt", "Lies before the year 2000.");
        if (endedAt < occurredAt) Fail("endedAt", "Must not be before occurredAt.");
        if (request.DurationSeconds is < 0 or > 7 * 86_400) Fail("durationSeconds", "Must be between 0 and 604800 (7 days).");

        Limit(errors, "agent", request.Agent, 200);
        Limit(errors, "status", request.Status, 32);
        Limit(errors, "subject", request.Subject, 1_000);
        Limit(errors, "body", request.Body, MaxBodyLength);
        Limit(errors, "provider", request.Provider, 64);
        Limit(errors, "providerRef", request.ProviderRef, 200);
        string? metadata = null;
        if (request.Metadata is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } m)
        {
            if (m.ValueKind != JsonValueKind.Object) Fail("metadata", "Must be a JSON object.");
            else if ((metadata = m.GetRawText()).Length > MaxMetadataLength) Fail("metadata", $"At most {MaxMetadataLength} characters of JSON.");
        }
        // PostgreSQL text cannot hold U+0000: refused everywhere, so that every engine answers alike.
        foreach (var (field, value) in new[] { ("customer.name", customer?.Name), ("agent", request.Agent), ("status", request.Status), ("subject", request.Subject),
                     ("body", request.Body), ("provider", request.Provider), ("providerRef", request.ProviderRef), ("metadata", metadata) })
            if (value?.Contains('\0') == true) Fail(field, "Contains a NUL character (U+0000), which cannot be stored.");
        if (errors.Count > 0) return (null, errors);

        var providerRef = Trim(request.ProviderRef);
        var provider = Trim(request.Provider)?.ToLowerInvariant() ?? (providerRef is null ? null : "api");
        var duration = request.DurationSeconds ?? (endedAt is { } end && request.OccurredAt is not null ? (long)(end - occurredAt).TotalSeconds : null);
        return (new NewInteraction(channel!, direction!, occurredAt, endedAt, duration, identifiers.Distinct().ToList(), Trim(customer?.Name),
            request.ConversationId, Trim(request.Agent), Trim(request.Status)?.ToLowerInvariant(), request.Subject, request.Body, provider, providerRef, metadata)
        { Attributes = attributes }, errors);
    }

    private static void Add(List<Identifier> identifiers, Dictionary<string, string[]> errors, string field, string? raw, Identifier? normalised, string message)
    {
        if (raw is null) return;
        if (normalised is null) errors[field] = [message];
        else identifiers.Add(normalised);
    }

    private static void Limit(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (value?.Length > max) errors[field] = [$"At most {max} characters."];
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Microsecond precision: what PostgreSQL keeps, so every engine stores the same instant.</summary>
    public static DateTimeOffset Micro(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
    }
}
