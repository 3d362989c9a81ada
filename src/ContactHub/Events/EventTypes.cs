namespace ContactHub.Events;

/// <summary>The events a consumer can ask for: one vocabulary for the log, the feed, the stream and the subscriptions.</summary>
public static class EventTypes
{
    public const string InteractionRecorded = "interaction.recorded";
    public const string InteractionStatusChanged = "interaction.status-changed";
    public const string ConversationStarted = "conversation.started";
    public const string ConversationAssigned = "conversation.assigned";
    public const string ConversationEnded = "conversation.ended";
    public const string ConversationWrappedUp = "conversation.wrapped-up";
    public const string ConversationTagged = "conversation.tagged";
    public const string ConversationRated = "conversation.rated";
    public const string ContactCreated = "contact.created";
    public const string ContactUpdated = "contact.updated";
    public const string ContactIdentifierAdded = "contact.identifier-added";
    public const string ContactIdentifierRemoved = "contact.identifier-removed";
    public const string ContactMerged = "contact.merged";
    public const string ContactMergeUndone = "contact.merge-undone";
    public const string ContactErased = "contact.erased";
    public const string ConsentChanged = "consent.changed";
    public const string FollowUpCreated = "follow-up.created";
    public const string FollowUpCompleted = "follow-up.completed";
    public const string CampaignMessageQueued = "campaign.message.queued";
    public const string ReportDelivered = "report.delivered";

    public static IReadOnlyList<string> All { get; } =
    [
        InteractionRecorded, InteractionStatusChanged, ConversationStarted, ConversationAssigned, ConversationEnded, ConversationWrappedUp, ConversationTagged, ConversationRated,
        ContactCreated, ContactUpdated, ContactIdentifierAdded, ContactIdentifierRemoved, ContactMerged, ContactMergeUndone, ContactErased,
        ConsentChanged, FollowUpCreated, FollowUpCompleted, CampaignMessageQueued, ReportDelivered,
    ];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);

    /// <summary>A comma-separated list of types, checked: null when every one is known, else the first unknown one.</summary>
    public static bool TryParse(string? list, out IReadOnlyList<string> types, out string? unknown)
    {
        types = (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        unknown = types.FirstOrDefault(t => !IsKnown(t));
        return unknown is null;
    }
}
