namespace ContactHub.Events;

internal static partial class EventsLog
{
    [LoggerMessage(11001, LogLevel.Warning, "Event sequencing failed ({Error}); it runs again at the next interval")]
    public static partial void SequencerFailed(ILogger logger, string error);

    [LoggerMessage(11002, LogLevel.Warning, "Webhook round failed ({Error}); it runs again at the next interval")]
    public static partial void RoundFailed(ILogger logger, string error);

    [LoggerMessage(11003, LogLevel.Debug, "Delivered event {EventId} to subscription {SubscriptionId} (attempt {Attempt})")]
    public static partial void Delivered(ILogger logger, long eventId, long subscriptionId, long attempt);

    [LoggerMessage(11004, LogLevel.Information, "Delivery {DeliveryId} to subscription {SubscriptionId} failed ({Error}); retry in {Delay}")]
    public static partial void WillRetry(ILogger logger, long deliveryId, long subscriptionId, string error, TimeSpan delay);

    [LoggerMessage(11005, LogLevel.Warning, "Subscription {SubscriptionId} disabled: {Reason}")]
    public static partial void Disabled(ILogger logger, long subscriptionId, string reason);
}
