namespace ContactHub.Reports;

internal static partial class ReportLog
{
    [LoggerMessage(8001, LogLevel.Information, "Report run {RunId} ({Report}) succeeded: {Rows} rows, {Bytes} bytes in {DurationMs} ms")]
    public static partial void Succeeded(ILogger logger, long runId, string report, long rows, long bytes, long durationMs);

    [LoggerMessage(8002, LogLevel.Warning, "Report run {RunId} ({Report}) attempt {Attempt} of {MaxAttempts} failed: {Error}")]
    public static partial void AttemptFailed(ILogger logger, long runId, string report, long attempt, int maxAttempts, string error);

    [LoggerMessage(8003, LogLevel.Error, "Report schedule {ScheduleId} paused after {Failures} failed runs in a row")]
    public static partial void SchedulePaused(ILogger logger, long scheduleId, long failures);

    [LoggerMessage(8004, LogLevel.Warning, "Report schedule {ScheduleId} fired again for {Period}: run {RunId} is already recorded, so it is not run twice")]
    public static partial void AlreadyRun(ILogger logger, long scheduleId, string period, long runId);

    [LoggerMessage(8005, LogLevel.Error, "Report schedule {ScheduleId} paused at start-up: Quartz refused it ({Reason})")]
    public static partial void ScheduleRefused(ILogger logger, long scheduleId, string reason);
}
