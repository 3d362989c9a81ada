namespace ContactHub.Channels.Twilio;

internal static partial class TwilioLog
{
    [LoggerMessage(4001, LogLevel.Warning, "Rejected a Twilio webhook on {Path}: {Reason}")]
    public static partial void Rejected(ILogger logger, string path, string reason);

    [LoggerMessage(4002, LogLevel.Information, "Contact {ContactId} {Change} on {Channel}")]
    public static partial void ConsentChanged(ILogger logger, long contactId, string change, string channel);

    [LoggerMessage(4003, LogLevel.Debug, "Status callback for message {Sid} that ContactHub did not record")]
    public static partial void UnknownMessage(ILogger logger, string sid);

    [LoggerMessage(4004, LogLevel.Information, "Deleted recording {RecordingSid} at Twilio ({Reason})")]
    public static partial void RecordingDeleted(ILogger logger, string recordingSid, string reason);

    [LoggerMessage(4005, LogLevel.Warning, "Could not delete recording {RecordingSid} at Twilio (attempt {Attempt}): {Error}")]
    public static partial void RecordingDeleteFailed(ILogger logger, string recordingSid, long attempt, string error);

    [LoggerMessage(4006, LogLevel.Debug, "Recording callback for {RecordingSid} ignored: recordings are turned off (Twilio:Recordings)")]
    public static partial void RecordingIgnored(ILogger logger, string recordingSid);
}
