namespace ContactHub.Events;

/// <summary>A webhook subscription as the API shows it (the secret is shown once, when it is created).</summary>
public sealed record EventSubscription(long Id, string Url, IReadOnlyList<string> Events, string? Channel, string? Agent, IReadOnlyList<string> ChangedFields,
    string? Description, string Status, string? DisabledReason, DateTimeOffset? FailingSince, long Cursor, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What a subscription asks for; stored as given.</summary>
public sealed record SubscriptionInput(string Url, IReadOnlyList<string> Events, string? Channel, string? Agent, IReadOnlyList<string> ChangedFields, string? Description);

/// <summary>The stored row.</summary>
public sealed record SubscriptionRow(long Id, string Url, string EventTypes, string Secret, string? Channel, string? Agent, string? ChangedFields, string? Description,
    string Status, string? DisabledReason, DateTimeOffset? FailingSince, long CursorPosition, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public IReadOnlyList<string> Types => Split(EventTypes);

    public IReadOnlyList<string> Fields => Split(ChangedFields);

    public EventSubscription ToApi() =>
        new(Id, Url, Types, Channel, Agent, Fields, Description, Status, DisabledReason, FailingSince, CursorPosition, CreatedAt, UpdatedAt);

    /// <summary>Whether an event is one this subscription asked for: its type, its channel and agent, and at least one of the fields named.</summary>
    public bool Wants(EventRow e) =>
        Types.Contains(e.Type)
        && (Channel is null || string.Equals(Channel, e.Channel, StringComparison.Ordinal))
        && (Agent is null || string.Equals(Agent, e.Agent, StringComparison.OrdinalIgnoreCase))
        && (Fields.Count == 0 || e.Changed is null || Split(e.Changed).Any(Fields.Contains));

    private static IReadOnlyList<string> Split(string? csv) => (csv ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
}

public static class SubscriptionStatus
{
    public const string Active = "active";
    public const string Disabled = "disabled";
}

/// <summary>One delivery of one event to one subscription, with its attempts so far.</summary>
public sealed record EventDelivery(long Id, long SubscriptionId, long EventId, long Position, long ContactKey, string Status, long Attempts, DateTimeOffset NextAttemptAt,
    long? LastStatusCode, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? DeliveredAt)
{
    public string WebhookId => EventEnvelope.IdOf(EventId);
}
