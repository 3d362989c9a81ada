using MimeKit;

namespace ContactHub.Channels.Email;

public enum AutomaticKind { None, AutoReply, Bounce }

/// <summary>An email ContactHub sent that came back: the Message-IDs it names and the reason the receiving server gave.</summary>
public sealed record DeliveryFailure(IReadOnlyList<string> MessageIds, string Reason);

/// <summary>
/// Mail no person wrote, as a support mailbox receives it every day: automatic replies (out of office, RFC 3834) and delivery
/// reports (bounces, RFC 3464). Recorded as a customer's email, a bounce made a contact of MAILER-DAEMON, with a conversation
/// waiting for an answer; an out-of-office reopened the conversation it answered and counted as a customer waiting.
/// </summary>
public static class AutomaticMail
{
    /// <summary>The headers that tell, fetched beside the envelope (IMAP).</summary>
    public static readonly string[] Headers = ["Auto-Submitted", "X-Autoreply", "X-Autorespond", "Precedence", "X-Failed-Recipients"];

    // Who sends delivery reports: the local parts of RFC 5321's postmaster and the daemons, and Exchange Online's system mailbox.
    private static readonly string[] DaemonLocalParts = ["mailer-daemon", "postmaster", "microsoftexchange329e71ec88ae4615bbc36ab6ce41109e"];

    public static AutomaticKind Classify(string? fromAddress, bool deliveryReport, Func<string, string?> header)
    {
        if (deliveryReport || header("X-Failed-Recipients") is not null || IsDaemon(fromAddress)) return AutomaticKind.Bounce;
        // Auto-Submitted: auto-replied / auto-generated / auto-notified; only "no" says a person sent it.
        if (header("Auto-Submitted")?.Trim() is { Length: > 0 } submitted && !submitted.StartsWith("no", StringComparison.OrdinalIgnoreCase)) return AutomaticKind.AutoReply;
        if (header("X-Autoreply") is not null || header("X-Autorespond") is not null) return AutomaticKind.AutoReply;
        return string.Equals(header("Precedence")?.Trim(), "auto_reply", StringComparison.OrdinalIgnoreCase) ? AutomaticKind.AutoReply : AutomaticKind.None;
    }

    public static bool IsDaemon(string? address) =>
        address?.Split('@')[0].Trim() is { Length: > 0 } local && DaemonLocalParts.Contains(local, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a body's structure is a delivery report (multipart/report; report-type=delivery-status).</summary>
    public static bool IsDeliveryReport(ContentType? type) =>
        type is not null && type.IsMimeType("multipart", "report")
        && string.Equals(type.Parameters["report-type"], "delivery-status", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What a delivery report says: the Message-ID of the message it returns (from its attached message or headers) and, per
    /// recipient, the status and the server's diagnostic ("5.1.1 smtp; 550 5.1.1 User unknown"). A report that is not RFC 3464's
    /// gives what its headers thread to and its subject.
    /// </summary>
    public static DeliveryFailure ReadReport(MimeMessage message)
    {
        var ids = new List<string>();
        var reasons = new List<string>();
        foreach (var part in message.BodyParts)
        {
            if (part is MessagePart { Message: { } returned } && returned.MessageId is { } id) ids.Add(id);
            if (part is MessageDeliveryStatus status)
                foreach (var group in status.StatusGroups.Skip(1)) // the first group is the reporting server's own
                    if (group["Action"]?.Trim() is not ("delivered" or "relayed" or "expanded"))
                        reasons.Add(string.Join(" ", new[] { group["Status"], group["Diagnostic-Code"] }.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim())));
        }
        if (message.InReplyTo is { } inReplyTo) ids.Add(inReplyTo);
        ids.AddRange(message.References);
        return new DeliveryFailure(ids.Distinct().ToList(), reasons.FirstOrDefault(r => r.Length > 0) ?? message.Subject ?? "returned by the receiving mail server");
    }
}
