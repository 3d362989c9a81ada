namespace ContactHub.Channels.Graph;

internal static partial class GraphLog
{
    [LoggerMessage(7001, LogLevel.Warning, "Graph delta link of {User}/{Folder} expired (410): syncing the folder again from the start")]
    public static partial void DeltaExpired(ILogger logger, string user, string folder);

    [LoggerMessage(7002, LogLevel.Warning, "Graph sync failed ({Error}); its cursor is unchanged and it runs again at the next poll")]
    public static partial void SyncFailed(ILogger logger, string error);

    [LoggerMessage(7003, LogLevel.Warning, "Refused a Graph change notification: clientState does not match")]
    public static partial void BadClientState(ILogger logger);
}
