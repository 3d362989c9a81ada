namespace ContactHub.Security;

internal static partial class SecurityLog
{
    [LoggerMessage(2001, LogLevel.Warning, "Rejected an unknown or revoked API key with prefix {Prefix}")]
    public static partial void UnknownKey(ILogger logger, string prefix);

    [LoggerMessage(2002, LogLevel.Warning, "No API key existed: created an admin key and wrote it to {Path}")]
    public static partial void InitialKeyCreated(ILogger logger, string path);

    [LoggerMessage(2003, LogLevel.Warning, "Could not write {Count} audit entries ({Error}); retrying")]
    public static partial void AuditWriteFailed(ILogger logger, int count, string error);
}
