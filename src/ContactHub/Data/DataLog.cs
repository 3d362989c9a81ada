namespace ContactHub.Data;

internal static partial class DataLog
{
    [LoggerMessage(1001, LogLevel.Information, "Applied migration {Script}")]
    public static partial void MigrationApplied(ILogger logger, string script);

    [LoggerMessage(1002, LogLevel.Information, "Database {Provider} is up to date ({Count} scripts applied now)")]
    public static partial void MigrationsDone(ILogger logger, DatabaseProvider provider, int count);

    [LoggerMessage(1003, LogLevel.Warning, "Answered 503 on {Method} {Path}: the database failed ({Error}, {Code})")]
    public static partial void Unavailable(ILogger logger, string method, string path, string error, string code);

    [LoggerMessage(1004, LogLevel.Debug, "The client abandoned {Method} {Route}; its work is cancelled in {Grace} if still running")]
    public static partial void Abandoned(ILogger logger, string method, string route, TimeSpan grace);
}
