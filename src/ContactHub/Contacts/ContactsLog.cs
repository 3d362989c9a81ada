namespace ContactHub.Contacts;

internal static partial class ContactsLog
{
    [LoggerMessage(10001, LogLevel.Information, "Retention: {Blanked} message bodies blanked, {Deleted} interactions deleted")]
    public static partial void Retention(ILogger logger, int blanked, int deleted);

    [LoggerMessage(10002, LogLevel.Information, "Search: the names of {Count} contacts were indexed (contacts named before the name index existed)")]
    public static partial void NamesIndexed(ILogger logger, int count);
}
