using MimeKit;

namespace ContactHub.Channels.Email;

/// <summary>A file sent with an email; with a ContentId it is shown inline (an HTML body refers to it as cid:ContentId).</summary>
public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content, string? ContentId = null);

/// <summary>An email ContactHub sends; MessageId is fixed before sending so that replies thread back to the conversation.</summary>
public sealed record OutgoingEmail(string To, string Subject, string TextBody, string? HtmlBody, string MessageId,
    string? InReplyTo = null, IReadOnlyList<string>? References = null, IReadOnlyList<EmailAttachment>? Attachments = null, string? ToName = null);

public static class EmailComposer
{
    /// <summary>A new globally unique Message-ID (without angle brackets).</summary>
    public static string NewMessageId(string domain) => $"{Guid.NewGuid():N}@{domain}";

    public static MimeMessage Compose(OutgoingEmail email, EmailOptions options)
    {
        var message = new MimeMessage { Subject = email.Subject, MessageId = email.MessageId, Date = DateTimeOffset.UtcNow };
        message.From.Add(new MailboxAddress(options.FromName, options.FromAddress ?? throw new InvalidOperationException("Email:FromAddress is not configured.")));
        message.To.Add(new MailboxAddress(email.ToName ?? "", email.To));
        if (email.InReplyTo is not null) message.InReplyTo = email.InReplyTo;
        foreach (var reference in email.References ?? []) message.References.Add(reference);

        var body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody };
        foreach (var attachment in email.Attachments ?? [])
        {
            if (attachment.ContentId is null)
            {
                body.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
                continue;
            }
            var inline = body.LinkedResources.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
            inline.ContentId = attachment.ContentId;
        }
        message.Body = body.ToMessageBody();
        return message;
    }
}
