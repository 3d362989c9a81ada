namespace ContactHub.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(1, LogLevel.Error, "Unhandled exception on {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
}
