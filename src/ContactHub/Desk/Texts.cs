namespace ContactHub.Desk;

/// <summary>The desk's words in English and French, chosen from the browser's Accept-Language; each text named, in each language.</summary>
public sealed partial class Texts
{
    public required string Lang { get; init; }
    public required string Desk { get; init; }
    public required string SignIn { get; init; }
    public required string SignOut { get; init; }
    public required string ApiKey { get; init; }
    public required string ApiKeyHelp { get; init; }
    public required string BadKey { get; init; }
    public required string Search { get; init; }
    public required string SearchPlaceholder { get; init; }
    public required string Active { get; init; }
    public required string Mine { get; init; }
    public required string All { get; init; }
    public required string AllChannels { get; init; }
    public required string NoActive { get; init; }
    public required string SelectConversation { get; init; }
    public required string Contact { get; init; }
    public required string Agent { get; init; }
    public required string Started { get; init; }
    public required string LastActivity { get; init; }
    public required string Channels { get; init; }
    public required string Notes { get; init; }
    public required string AddNote { get; init; }
    public required string FollowUps { get; init; }
    public required string NoNotes { get; init; }
    public required string NoFollowUps { get; init; }
    public required string CreateFollowUp { get; init; }
    public required string Title { get; init; }
    public required string Due { get; init; }
    public required string Send { get; init; }
    public required string Message { get; init; }
    public required string Template { get; init; }
    public required string Channel { get; init; }
    public required string End { get; init; }
    public required string Summary { get; init; }
    public required string SendSmsSummary { get; init; }

    public required string NoChannelToSend { get; init; }
    public required string WrapUp { get; init; }
    public required string Tags { get; init; }
    public required string Attributes { get; init; }
    public required string SaveAttributes { get; init; }
    public required string Yes { get; init; }
    public required string No { get; init; }
    public required string AddTag { get; init; }
    public required string Add { get; init; }
    public required string BadTag { get; init; }
    public required string WrapUpRequired { get; init; }
    public required string WrapUpUnknown { get; init; }
    public required string Identifiers { get; init; }
    public required string Consents { get; init; }
    public required string Activities { get; init; }
    public required string Conversations { get; init; }
    public required string Duplicates { get; init; }
    public required string Merge { get; init; }
    public required string Undo { get; init; }
    public required string LoadMore { get; init; }
    public required string NoResults { get; init; }
    public required string Inbound { get; init; }
    public required string Outbound { get; init; }
    public required string Sent { get; init; }
    public required string Saved { get; init; }
    public required string Ended { get; init; }
    public required string Merged { get; init; }
    public required string Undone { get; init; }
    public required string EmbedExpired { get; init; }
    public required string Open { get; init; }
    public required string Status { get; init; }
    public required string Duration { get; init; }
    public required string Recording { get; init; }
    public required string VoicemailMessage { get; init; }
    public required string Transcription { get; init; }
    public required string SatisfactionScore { get; init; }
    public required string Skip { get; init; }
    public required string SignInOrganisation { get; init; }
    public required string NewCaller { get; init; }
    public required string NewCallerHelp { get; init; }
    public required string Overdue { get; init; }
    public required string Older { get; init; }
    public required string NeedBodyOrTemplate { get; init; }
    public required string NoteLength { get; init; }
    public required string TitleLength { get; init; }
    public required string BadDue { get; init; }
    public required string SummaryLength { get; init; }
    public required string AlreadyEnded { get; init; }

    /// <summary>French when the browser prefers it, English otherwise.</summary>
    public static Texts For(HttpContext http) => Hosting.Languages.PrefersFrench(http) ? Fr : En;

    public string Direction(string direction) => direction == "inbound" ? Inbound : Outbound;

    public string RemoveTag(string tag) => Lang == "fr" ? $"Retirer l'étiquette {tag}" : $"Remove the tag {tag}";

    /// <summary>A stored status (an interaction's, a conversation's, a follow-up's, a consent's) in the page's language.</summary>
    public string StatusName(string? status) => status is null ? "" : (Lang == "fr" ? FrenchStatuses : EnglishStatuses).GetValueOrDefault(status, status);

    /// <summary>An interaction's status on its channel: a queued call waits for an agent, where a queued message waits to be sent.</summary>
    public string StatusName(string? status, string channel) =>
        status == "queued" && channel == ContactHub.Channels.Channel.Call ? (Lang == "fr" ? "en attente d'un agent" : "waiting for an agent") : StatusName(status);

    /// <summary>Why two contacts may be the same person ("phone, email shared"), in the page's language.</summary>
    public string DuplicateReason(string reason)
    {
        if (Lang != "fr" || !reason.EndsWith(" shared", StringComparison.Ordinal)) return reason;
        var kinds = reason[..^" shared".Length].Split(", ").Select(k => k switch
        {
            "phone" => "téléphone", "email" => "e-mail", "external" => "identifiant CRM", "handle" => "pseudonyme", _ => k,
        });
        return string.Join(", ", kinds) + " en commun";
    }

    /// <summary>A duration as agents read it: 4:05, 1:02:05.</summary>
    public static string Length(long seconds) =>
        seconds >= 3600 ? $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}" : $"{seconds / 60}:{seconds % 60:00}";

    private static readonly Dictionary<string, string> EnglishStatuses = new()
    {
        ["active"] = "active", ["ended"] = "ended", ["open"] = "open", ["done"] = "done", ["cancelled"] = "cancelled",
        ["opted_in"] = "opted in", ["opted_out"] = "opted out", ["in-progress"] = "in progress", ["no-answer"] = "no answer",
    };

    private static readonly Dictionary<string, string> FrenchStatuses = new()
    {
        ["active"] = "active", ["ended"] = "close", ["open"] = "à faire", ["done"] = "fait", ["cancelled"] = "annulé",
        ["opted_in"] = "accepte", ["opted_out"] = "refuse", ["received"] = "reçu", ["queued"] = "en file d'envoi", ["sending"] = "en cours d'envoi",
        ["sent"] = "envoyé", ["delivered"] = "remis", ["read"] = "lu", ["failed"] = "échec", ["undelivered"] = "non remis",
        ["completed"] = "terminé", ["missed"] = "manqué", ["voicemail"] = "messagerie vocale", ["ringing"] = "sonne", ["in-progress"] = "en cours", ["no-answer"] = "sans réponse",
        ["busy"] = "occupé", ["canceled"] = "annulé", ["voicemail"] = "messagerie vocale",
    };

    public string ChannelName(string channel) => (Lang, channel) switch
    {
        (_, ContactHub.Channels.Channel.Call) => Lang == "fr" ? "Appel" : "Call",
        (_, ContactHub.Channels.Channel.Chat) => "Chat",
        (_, ContactHub.Channels.Channel.Sms) => "SMS",
        (_, ContactHub.Channels.Channel.WhatsApp) => "WhatsApp",
        (_, ContactHub.Channels.Channel.Email) => Lang == "fr" ? "E-mail" : "Email",
        (_, ContactHub.Channels.Channel.Messaging) => Lang == "fr" ? "Messagerie" : "Messaging",
        _ => channel,
    };
}
