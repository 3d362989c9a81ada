namespace ContactHub.Contacts;

internal static partial class ContactsLog
{
    [LoggerMessage(8001, LogLevel.Information, "Retention: {Blanked} message bodies blanked, {Deleted} interactions deleted")]
    public static partial void Retention(ILogger logger, int blanked, int deleted);
}
