namespace ContactHub.Channels.Crm;

internal static partial class CrmLog
{
    [LoggerMessage(12001, LogLevel.Warning, "{Connector} is unavailable ({Error}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, string connector, string error, TimeSpan delay);

    [LoggerMessage(12002, LogLevel.Warning, "{Connector} parked {EventType} at {Position}: {Reason}")]
    public static partial void Parked(ILogger logger, string connector, string eventType, long position, string reason);

    [LoggerMessage(12003, LogLevel.Information, "{Connector} wrote interaction {InteractionId}")]
    public static partial void Wrote(ILogger logger, string connector, long interactionId);

    [LoggerMessage(12004, LogLevel.Error, "{Connector} failed unexpectedly; retrying")]
    public static partial void Crashed(ILogger logger, string connector, Exception exception);
}
