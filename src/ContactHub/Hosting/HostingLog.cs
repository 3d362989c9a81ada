namespace ContactHub.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(1, LogLevel.Error, "Unhandled exception on {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(2, LogLevel.Warning, "Answered 503 on {Method} {Path}: the database failed ({Error}, {Code})")]
    public static partial void DatabaseUnavailable(ILogger logger, string method, string path, string error, string code);
}
