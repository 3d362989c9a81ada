using ContactHub.Campaigns;
using ContactHub.Contacts;

namespace ContactHub.Channels.Twilio;

/// <summary>Twilio's standard opt-out and opt-in keywords, matched on the whole trimmed body, any case.</summary>
public static class OptOutKeywords
{
    private static readonly HashSet<string> OptOut = new(StringComparer.OrdinalIgnoreCase) { "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT" };
    private static readonly HashSet<string> OptIn = new(StringComparer.OrdinalIgnoreCase) { "START", "YES", "UNSTOP" };

    /// <summary>The consent a message asks for, or null. Twilio's own OptOutType (Advanced Opt-Out) wins when present.</summary>
    public static string? ConsentFrom(string? body, string? optOutType) => optOutType?.Trim().ToUpperInvariant() switch
    {
        "STOP" => ConsentStatus.OptedOut,
        "START" => ConsentStatus.OptedIn,
        "HELP" => null,
        _ => body?.Trim() is { } text && OptOut.Contains(text) ? ConsentStatus.OptedOut
            : body?.Trim() is { } t && OptIn.Contains(t) ? ConsentStatus.OptedIn
            : null,
    };
}
