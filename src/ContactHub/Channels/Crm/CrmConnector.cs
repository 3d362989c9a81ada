namespace ContactHub.Channels.Crm;

/// <summary>What a connector writes: one interaction as the CRM's activity, with its conversation's summary.</summary>
public sealed record CrmActivity(long InteractionId, long ContactId, long ConversationId, string Channel, string Direction, DateTimeOffset OccurredAt,
    DateTimeOffset? EndedAt, long? DurationSeconds, string? Status, string? Agent, string? Subject, string? Body, string? ConversationSummary)
{
    /// <summary>The activity's title in the CRM, e.g. "Inbound call (missed)".</summary>
    public string Title => $"{char.ToUpperInvariant(Direction[0])}{Direction[1..]} {Channel switch { "call" => "call", "sms" => "SMS", "whatsapp" => "WhatsApp", "email" => "email", var c => c }}"
        + (Status is "missed" or "voicemail" or "failed" or "undelivered" ? $" ({Status})" : "") + (Subject is { Length: > 0 } s ? $": {s}" : "");

    /// <summary>The activity's text: the message or call notes, then the conversation's summary.</summary>
    public string Description => string.Join("\n\n", new[] { Body, ConversationSummary is { } summary ? $"Conversation summary: {summary}" : null,
        $"ContactHub interaction {InteractionId}, conversation {ConversationId}" + (Agent is { } a ? $", agent {a}" : "") }.Where(t => !string.IsNullOrWhiteSpace(t)));
}

/// <summary>How ContactHub knows the contact: the CRM finds its own contact by these.</summary>
public sealed record CrmContactKeys(IReadOnlyList<string> Phones, IReadOnlyList<string> Emails)
{
    /// <summary>The one CRM contact found, none, or — several — a refusal to guess, saying how to settle it.</summary>
    public static string? OneOf(IReadOnlyList<string> found, string crm, string provider) => found.Count switch
    {
        0 => null,
        1 => found[0],
        _ => throw new CrmPermanentException($"Several {crm} contacts match this contact's phone or email ({string.Join(", ", found)}); "
            + $"merge them in {crm}, or add the right one's id to the contact (external identifier, provider {provider}), then retry."),
    };
}

/// <summary>
/// One CRM: finds its contact, upserts an activity keyed by ContactHub's interaction id (so a retry never duplicates),
/// deletes or anonymises one. Throws <see cref="CrmTransientException"/> for what is worth retrying in order (down, 429,
/// 5xx) and <see cref="CrmPermanentException"/> for what must be parked with its reason (ambiguous contact, a refusal).
/// </summary>
public interface ICrmConnector
{
    /// <summary>dynamics or salesforce: the cursor's name and the provider of the CRM ids stored as contact identifiers.</summary>
    string Name { get; }

    bool Enabled { get; }

    /// <summary>The CRM contact's id; null when no contact matches; throws permanent when several do.</summary>
    Task<string?> FindContactAsync(CrmContactKeys keys, CancellationToken ct);

    /// <summary>Creates or updates the interaction's activity; <paramref name="firstWrite"/> when ContactHub never wrote it.</summary>
    Task<string?> UpsertAsync(CrmActivity activity, string crmContactId, bool firstWrite, CancellationToken ct);

    /// <summary>Deletes the interaction's activity (or blanks it when the setting says anonymise); one already gone is fine.</summary>
    /// <param name="channel">The interaction's channel (which table it went to); null when the interaction itself is gone.</param>
    Task EraseAsync(long interactionId, string? channel, CancellationToken ct);
}

public sealed class CrmTransientException(string message, TimeSpan? retryAfter = null, Exception? inner = null) : Exception(message, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

public sealed class CrmPermanentException(string message) : Exception(message);
