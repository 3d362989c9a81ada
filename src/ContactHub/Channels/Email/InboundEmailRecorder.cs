using System.Text.Json;
using System.Text.RegularExpressions;
using ContactHub.Channels;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using Dapper;

namespace ContactHub.Channels.Email;

public sealed record InboundAttachment(string? Name, long? Size);

/// <summary>An email read from a mailbox (IMAP or Graph), before recognition; <see cref="Automatic"/> when no person wrote it.</summary>
public sealed record InboundEmail(string MessageId, string? FromAddress, string? FromName, IReadOnlyList<string> To, IReadOnlyList<string> Cc,
    string? Subject, DateTimeOffset? Date, string? TextBody, IReadOnlyList<string> ThreadIds, IReadOnlyList<InboundAttachment> Attachments, string Source,
    AutomaticKind Automatic = AutomaticKind.None, DeliveryFailure? Failure = null);

public enum InboundOutcome { Recorded, Repeated, Skipped }

/// <summary>
/// Records a customer's email as an inbound interaction: a reply whose In-Reply-To / References name a
/// Message-ID we recorded joins that conversation; any other email is grouped under its sender's contact.
/// Every Message-ID is recorded once, whichever mailbox or API it came through (provider "email").
/// Mail no person wrote (<see cref="AutomaticMail"/>) is not a customer writing: a bounce marks the email it returns
/// undelivered, with the server's reason, and is not recorded itself; an automatic reply is filed in the conversation of the
/// email it answers, as "auto-replied", without reopening it, and one that answers nothing of ours is left out.
/// </summary>
public sealed partial class InboundEmailRecorder(Db db, InteractionRecorder recorder, IdentifierNormalizer normalizer, TimeProvider clock)
{
    public const string Provider = "email";

    private const string ThreadSql = """
        SELECT conversation_id FROM interactions
        WHERE channel = 'email' AND provider = 'email' AND provider_ref {IN:@ids}
        ORDER BY occurred_at DESC, id DESC {LIMIT:1}
        """;

    /// <summary>Whether the email of this Message-ID is recorded already: a mailbox read again (a restarted delta) needs nothing more of it.</summary>
    public async Task<bool> IsRecordedAsync(string? messageId, CancellationToken ct)
    {
        if (Clean(messageId) is not { } id) return false;
        return await recorder.FindAsync(Provider, id.Length > 200 ? id[..200] : id, ct) is not null;
    }

    public async Task<(InboundOutcome Outcome, string? Reason)> RecordAsync(InboundEmail email, CancellationToken ct)
    {
        if (email.Automatic == AutomaticKind.Bounce) return await RecordBounceAsync(email, ct);
        if (IdentifierNormalizer.Email(email.FromAddress) is null) return (InboundOutcome.Skipped, "no usable From address");
        var messageId = Clean(email.MessageId);
        if (messageId is null) return (InboundOutcome.Skipped, "no Message-ID");

        long? conversationId = null;
        var threadIds = email.ThreadIds.Select(Clean).OfType<string>().Distinct().Take(50).ToArray();
        if (threadIds.Length > 0)
        {
            await using var connection = await db.OpenAsync(ct);
            conversationId = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(ThreadSql), new { ids = threadIds }, cancellationToken: ct));
        }

        var automatic = email.Automatic == AutomaticKind.AutoReply;
        if (automatic && conversationId is null) return (InboundOutcome.Skipped, "an automatic reply to no email ContactHub recorded");

        var now = clock.GetUtcNow();
        var occurred = email.Date is { } d && d <= now.AddMinutes(5) && d.Year >= 2000 ? d : now;
        var body = email.TextBody is { Length: > InteractionValidation.MaxBodyLength } long_ ? long_[..InteractionValidation.MaxBodyLength] : email.TextBody;
        var metadata = JsonSerializer.SerializeToElement(new
        {
            source = email.Source, from = email.FromAddress, to = email.To.Take(50), cc = email.Cc.Take(50), messageId,
            attachments = email.Attachments.Take(100).Select(a => new { name = a.Name, size = a.Size }),
        });
        var request = new InteractionRequest(Channel.Email, "inbound", OccurredAt: occurred,
            Customer: new CustomerRef(Email: email.FromAddress, Name: email.FromName?.Length > 200 ? null : email.FromName),
            ConversationId: conversationId, Status: automatic ? InteractionStatus.AutoReplied : "received", Subject: email.Subject?.Length > 1000 ? email.Subject[..1000] : email.Subject,
            Body: body, Provider: Provider, ProviderRef: messageId.Length > 200 ? messageId[..200] : messageId, Metadata: metadata);
        var (interaction, errors) = InteractionValidation.Validate(request, normalizer, now);
        if (interaction is null) return (InboundOutcome.Skipped, string.Join("; ", errors.Keys));
        var result = await recorder.RecordAsync(automatic ? interaction with { KeepsConversationEnded = true } : interaction, ct);
        return (result.Repeated ? InboundOutcome.Repeated : InboundOutcome.Recorded, null);
    }

    /// <summary>The email a delivery report returns, marked undelivered with the server's reason (as a provider's callback would).</summary>
    private async Task<(InboundOutcome Outcome, string? Reason)> RecordBounceAsync(InboundEmail email, CancellationToken ct)
    {
        var reason = email.Failure?.Reason ?? email.Subject ?? "returned by the receiving mail server";
        foreach (var id in (email.Failure?.MessageIds ?? []).Concat(email.ThreadIds).Select(Clean).OfType<string>().Distinct().Take(50))
            switch (await recorder.UpdateStatusAsync(Provider, id, "undelivered", reason.Length > 500 ? reason[..500] : reason, ct: ct))
            {
                case InteractionRecorder.StatusUpdate.Changed: return (InboundOutcome.Recorded, null);
                case InteractionRecorder.StatusUpdate.Same: return (InboundOutcome.Repeated, null); // the same report read again
            }
        return (InboundOutcome.Skipped, "a delivery report for no email ContactHub sent");
    }

    /// <summary>A Message-ID without its angle brackets, as MimeKit and our own outbox write it.</summary>
    public static string? Clean(string? id) => string.IsNullOrWhiteSpace(id) ? null : id.Trim().TrimStart('<').TrimEnd('>').Trim() is { Length: > 0 } c ? c : null;

    /// <summary>Crude text from HTML for a mail without a text part: tags dropped, entities decoded.</summary>
    public static string HtmlToText(string html) =>
        System.Net.WebUtility.HtmlDecode(Whitespace().Replace(Tags().Replace(Blocks().Replace(html, "\n"), ""), " ")).Trim();

    [GeneratedRegex("<(script|style)[^>]*>.*?</\\1>|<br\\s*/?>|</p>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Blocks();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("[ \\t]+")]
    private static partial Regex Whitespace();
}
