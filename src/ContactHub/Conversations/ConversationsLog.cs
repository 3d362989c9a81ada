namespace ContactHub.Conversations;

internal static partial class ConversationsLog
{
    [LoggerMessage(3001, LogLevel.Debug, "Recorded interaction {InteractionId} ({Channel} {Direction}) for contact {ContactId} in conversation {ConversationId}")]
    public static partial void Recorded(ILogger logger, long interactionId, string channel, string direction, long contactId, long conversationId);

    [LoggerMessage(3002, LogLevel.Information, "Ended {Count} idle conversation(s)")]
    public static partial void IdleEnded(ILogger logger, int count);
}
