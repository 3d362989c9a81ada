namespace ContactHub.Channels.Email;

internal static partial class EmailLog
{
    [LoggerMessage(5001, LogLevel.Warning, "SMTP server {Host}:{Port} unavailable ({Error}); the emails stay queued")]
    public static partial void SmtpUnavailable(ILogger logger, string host, int port, string error);
}
