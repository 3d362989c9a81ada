using ContactHub.Conversations;

namespace ContactHub.Contacts;

public sealed record ContactRow(long Id, string? DisplayName, string? ExternalId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long? MergedIntoId, DateTimeOffset? ErasedAt);

public sealed record ContactIdentifier(long Id, string Kind, string? Provider, string Value, DateTimeOffset CreatedAt);

public sealed record Contact(long Id, string? Name, string? ExternalId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<ContactIdentifier> Identifiers, long? RedirectedFrom = null);

public sealed record ContactSummary(long Id, string? Name, string? ExternalId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One interaction on a contact's timeline.</summary>
public sealed record Activity(long Id, long ConversationId, string Channel, string Direction, DateTimeOffset OccurredAt, DateTimeOffset? EndedAt,
    long? DurationSeconds, string? Agent, string? Status, string? Subject, string? Body, string? Provider, string? ProviderRef, string? Error);

public sealed record ActivityPage(IReadOnlyList<Activity> Items, string? NextBefore);

/// <summary>What a CRM shows when a call rings: who it is, what is going on, what happened last.</summary>
public sealed record ScreenPop(Contact Contact, ConversationSummary? ActiveConversation, IReadOnlyList<Activity> RecentActivities, IReadOnlyList<FollowUps.FollowUp> OpenFollowUps);

public sealed record DuplicateCandidate(long Id, long ContactId, string? ContactName, long OtherContactId, string? OtherContactName, string Reason, DateTimeOffset DetectedAt);
