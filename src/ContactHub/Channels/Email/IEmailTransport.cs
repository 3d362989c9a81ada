namespace ContactHub.Channels.Email;

/// <summary>What became of one email: sent, or failed with whether trying again could help.</summary>
public sealed record EmailSendResult(string MessageId, bool Sent, bool Permanent = false, string? Error = null);

/// <summary>Sends emails; a batch shares one connection where the transport has connections.</summary>
public interface IEmailTransport
{
    Task<IReadOnlyList<EmailSendResult>> SendAsync(IReadOnlyList<OutgoingEmail> emails, CancellationToken ct = default);
}
