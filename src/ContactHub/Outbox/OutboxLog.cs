namespace ContactHub.Outbox;

internal static partial class OutboxLog
{
    [LoggerMessage(6001, LogLevel.Information, "Outbox message {Id} ({Channel}) sent after {Attempts} attempt(s)")]
    public static partial void Sent(ILogger logger, long id, string channel, long attempts);

    [LoggerMessage(6002, LogLevel.Warning, "Outbox message {Id} ({Channel}) attempt {Attempts} failed; retrying in {Delay}")]
    public static partial void WillRetry(ILogger logger, long id, string channel, long attempts, TimeSpan delay);

    [LoggerMessage(6003, LogLevel.Error, "Outbox message {Id} ({Channel}) failed for good after {Attempts} attempt(s): {Error}")]
    public static partial void Failed(ILogger logger, long id, string channel, long attempts, string error);

    [LoggerMessage(6004, LogLevel.Warning, "Outbox round failed ({Error}); trying again at the next poll")]
    public static partial void RoundFailed(ILogger logger, string error);

    [LoggerMessage(6005, LogLevel.Warning, "Outbox message {Id} ({Channel}) refused: contact {ContactId} unsubscribed at the provider; consent recorded as opted out")]
    public static partial void OptedOut(ILogger logger, long id, string channel, long contactId);
}
