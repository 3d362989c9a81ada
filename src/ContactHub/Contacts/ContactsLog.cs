namespace ContactHub.Contacts;

internal static partial class ContactsLog
{
    [LoggerMessage(10001, LogLevel.Information, "Retention: {Blanked} message bodies blanked, {Deleted} interactions deleted")]
    public static partial void Retention(ILogger logger, int blanked, int deleted);
}
