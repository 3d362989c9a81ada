namespace ContactHub.Conversations;

/// <summary>
/// Where a status stands in an interaction's life. Providers' callbacks arrive out of order
/// (a "sent" after a "delivered"); a status never moves an interaction backwards.
/// </summary>
public static class InteractionStatus
{
    public const string Missed = "missed";

    /// <summary>An inbound call that ended in the voicemail box: final (the call's own "completed" comes after it), and missed for follow-ups and reports.</summary>
    public const string Voicemail = "voicemail";

    /// <summary>An inbound email no person wrote (out of office): nobody waits for an answer to it (service levels, campaign replies).</summary>
    public const string AutoReplied = "auto-replied";

    public static int Rank(string? status) => status switch
    {
        null => -1,
        "queued" or "accepted" or "scheduled" or "initiated" => 0,
        "sending" or "ringing" => 1,
        "sent" or "in-progress" or "answered" => 2,
        "delivered" or "undelivered" or "failed" or "completed" or "busy" or "no-answer" or "canceled" or Missed or "received" or AutoReplied => 3,
        "read" or Voicemail => 4,
        _ => 0,
    };

    /// <summary>The status to store: the new one unless it would move the interaction backwards.</summary>
    public static string? Next(string? current, string? incoming) =>
        incoming is not null && Rank(incoming) >= Rank(current) ? incoming : null;
}
