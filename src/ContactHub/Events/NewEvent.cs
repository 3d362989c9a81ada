namespace ContactHub.Events;

/// <summary>
/// A change to write to the event log with the change itself. <paramref name="Data"/> is the payload: the ids and the fields that
/// changed, never more. Channel and agent are what subscriptions filter on; <paramref name="Changed"/> names the fields that changed
/// (a subscription may ask for only some of them).
/// </summary>
public sealed record NewEvent(string Type, long? ContactId, object Data)
{
    public long? ConversationId { get; init; }
    public long? InteractionId { get; init; }
    public string? Channel { get; init; }
    public string? Agent { get; init; }
    public IReadOnlyCollection<string>? Changed { get; init; }
}
