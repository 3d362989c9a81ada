namespace ContactHub.Channels.Email;

internal static partial class EmailLog
{
    [LoggerMessage(5001, LogLevel.Warning, "SMTP server {Host}:{Port} unavailable ({Error}); the emails stay queued")]
    public static partial void SmtpUnavailable(ILogger logger, string host, int port, string error);

    [LoggerMessage(5002, LogLevel.Information, "{Source} ingest: {Recorded} recorded, {Repeated} already known, {Skipped} skipped")]
    public static partial void Ingested(ILogger logger, string source, int recorded, int repeated, int skipped);

    [LoggerMessage(5003, LogLevel.Warning, "{Source} ingest skipped message {Id}: {Reason}")]
    public static partial void Skipped(ILogger logger, string source, string id, string reason);

    [LoggerMessage(5004, LogLevel.Warning, "{Source} ingest failed ({Error}); its cursor is unchanged and it runs again at the next poll")]
    public static partial void IngestFailed(ILogger logger, string source, string error);
}
