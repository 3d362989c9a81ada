namespace ContactHub.Desk;

/// <summary>The desk's words in English and French, chosen from the browser's Accept-Language.</summary>
public sealed record Texts(
    string Lang, string Desk, string SignIn, string SignOut, string ApiKey, string ApiKeyHelp, string BadKey, string Search, string SearchPlaceholder,
    string Active, string Mine, string All, string AllChannels, string NoActive, string SelectConversation, string Contact, string Agent, string Started,
    string LastActivity, string Channels, string Notes, string AddNote, string FollowUps, string CreateFollowUp, string Title, string Due, string Send,
    string Message, string Template, string Channel, string End, string Summary, string SendSmsSummary, string Identifiers, string Consents,
    string Activities, string Conversations, string Duplicates, string Merge, string Undo, string LoadMore, string NoResults, string Inbound,
    string Outbound, string Sent, string Saved, string Ended, string Merged, string Undone, string EmbedExpired, string Open, string Status,
    string Duration, string Skip, string SignInOrganisation)
{
    public static readonly Texts En = new(
        "en", "Agent desk", "Sign in", "Sign out", "Agent API key", "Your own key (ask an administrator: apikey create --name <you> --scopes read,write).",
        "This key is unknown or revoked.", "Search", "Phone, email or name", "Active conversations", "Mine", "All", "All channels",
        "No active conversation.", "Select a conversation.", "Contact", "Agent", "Started", "Last activity", "Channels", "Notes", "Add a note",
        "Follow-ups", "Create a follow-up", "Title", "Due", "Send", "Message", "Template (optional)", "Channel", "End the conversation", "Summary",
        "Also text the summary to the customer", "Identifiers", "Consent", "Activities", "Conversations", "Possible duplicates", "Merge into this contact",
        "Undo the merge", "Load more", "Nothing found.", "inbound", "outbound", "Message queued.", "Saved.", "Conversation ended.", "Contacts merged.",
        "Merge undone.", "This link has expired or is not valid. Reload the CRM page.", "Open", "Status", "Duration", "Skip to content",
        "Sign in with your organisation");

    public static readonly Texts Fr = new(
        "fr", "Poste agent", "Se connecter", "Se déconnecter", "Clé d'API agent", "Votre clé personnelle (à demander à un administrateur : apikey create --name <vous> --scopes read,write).",
        "Cette clé est inconnue ou révoquée.", "Rechercher", "Téléphone, e-mail ou nom", "Conversations actives", "Les miennes", "Toutes", "Tous les canaux",
        "Aucune conversation active.", "Sélectionnez une conversation.", "Contact", "Agent", "Début", "Dernière activité", "Canaux", "Notes", "Ajouter une note",
        "Suivis", "Créer un suivi", "Titre", "Échéance", "Envoyer", "Message", "Modèle (facultatif)", "Canal", "Clore la conversation", "Résumé",
        "Envoyer aussi le résumé au client par SMS", "Identifiants", "Consentement", "Activités", "Conversations", "Doublons possibles", "Fusionner dans ce contact",
        "Annuler la fusion", "Voir plus", "Aucun résultat.", "entrant", "sortant", "Message mis en file d'envoi.", "Enregistré.", "Conversation close.", "Contacts fusionnés.",
        "Fusion annulée.", "Ce lien a expiré ou n'est pas valide. Rechargez la page du CRM.", "Ouvrir", "Statut", "Durée", "Aller au contenu",
        "Se connecter avec votre organisation");

    /// <summary>French when the browser prefers it, English otherwise.</summary>
    public static Texts For(HttpContext http)
    {
        var languages = http.Request.GetTypedHeaders().AcceptLanguage;
        var first = languages.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault();
        return first?.Value.Value?.StartsWith("fr", StringComparison.OrdinalIgnoreCase) == true ? Fr : En;
    }

    public string Direction(string direction) => direction == "inbound" ? Inbound : Outbound;

    public string ChannelName(string channel) => (Lang, channel) switch
    {
        (_, "call") => Lang == "fr" ? "Appel" : "Call",
        (_, "chat") => "Chat",
        (_, "sms") => "SMS",
        (_, "whatsapp") => "WhatsApp",
        (_, "email") => Lang == "fr" ? "E-mail" : "Email",
        (_, "messaging") => Lang == "fr" ? "Messagerie" : "Messaging",
        _ => channel,
    };
}
