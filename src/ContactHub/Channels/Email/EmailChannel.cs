using ContactHub.Outbox;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Email;

/// <summary>Email through the configured transport (SMTP or Graph); a round's emails share one connection where the transport has one.</summary>
public sealed class EmailChannel(IEmailTransport transport, IOptions<EmailOptions> options) : IOutboundChannel
{
    public string Channel => Channels.Channel.Email;

    public string Provider => "email";

    public string? Unavailable => options.Value.Enabled ? null : EmailOptions.NotConfigured;

    public string? NewProviderRef() =>
        EmailComposer.NewMessageId(options.Value.MessageIdDomain ?? options.Value.FromAddress?.Split('@')[^1] ?? "contacthub.local");

    public async Task<IReadOnlyList<SendOutcome>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken ct)
    {
        var results = await transport.SendAsync(messages.Select(m => ToEmail(m.Payload)).ToList(), ct);
        return results.Select(r => r.Sent ? SendOutcome.Delivered(r.MessageId)
            : r.Permanent ? SendOutcome.Permanent(r.Error ?? "refused") : SendOutcome.Transient(r.Error ?? "failed")).ToList();
    }

    private static OutgoingEmail ToEmail(OutboxPayload p) => new(p.To, p.Subject ?? "", p.Body, p.Html, p.MessageId!, p.InReplyTo, p.References,
        p.Attachments?.Select(a => new EmailAttachment(a.FileName, a.ContentType, Convert.FromBase64String(a.ContentBase64))).ToList());
}
