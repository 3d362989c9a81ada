namespace ContactHub.Channels;

/// <summary>The channels an interaction can happen on: one vocabulary for the API, the database, the outbox and the desk.</summary>
public static class Channel
{
    public const string Call = "call";
    public const string Chat = "chat";
    public const string Sms = "sms";
    public const string WhatsApp = "whatsapp";
    public const string Messaging = "messaging";
    public const string Email = "email";

    public static readonly IReadOnlyList<string> All = [Call, Chat, Sms, WhatsApp, Messaging, Email];

    /// <summary>The channels a message can be sent on from a conversation, a follow-up or a campaign.</summary>
    public static readonly IReadOnlyList<string> Outbound = [Email, Sms, WhatsApp];

    public static bool IsKnown(string? channel) => channel is not null && All.Contains(channel);

    /// <summary>The channels listed for an error message: "call, chat, sms, …".</summary>
    public static string List(IReadOnlyList<string> channels) => string.Join(", ", channels);
}
