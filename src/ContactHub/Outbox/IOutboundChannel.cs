namespace ContactHub.Outbox;

/// <summary>
/// One outbound channel (SMS, WhatsApp, email, a webhook target, a CRM …): the only thing the dispatcher knows of it.
/// A channel sends what it is given and classifies each failure itself; it never throws for a message it could not send.
/// Register one with <see cref="OutboxFeature.AddOutboundChannel{T}"/>.
/// </summary>
public interface IOutboundChannel
{
    /// <summary>The outbox rows' channel this sender serves (see <see cref="Channels.Channel"/>).</summary>
    string Channel { get; }

    /// <summary>The provider recorded on the outbound interaction (its provider_ref is this provider's id for the message).</summary>
    string Provider { get; }

    /// <summary>Null when the channel can send here; otherwise why not, naming the setting (checked before anything is queued).</summary>
    string? Unavailable { get; }

    /// <summary>The provider's id for a message fixed before sending (an email's Message-ID, so that replies thread back); null when the provider assigns it.</summary>
    string? NewProviderRef();

    /// <summary>Sends a round's messages of this channel (a batch may share a connection); one outcome per message, in order.</summary>
    Task<IReadOnlyList<SendOutcome>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken ct);
}

/// <summary>The registered outbound channels by name: what the dispatcher sends through and what a sender may queue for.</summary>
public sealed class OutboundChannels(IEnumerable<IOutboundChannel> channels)
{
    private readonly Dictionary<string, IOutboundChannel> _byName = channels.ToDictionary(c => c.Channel);

    public IOutboundChannel? Find(string channel) => _byName.GetValueOrDefault(channel);
}

/// <summary>A claimed outbox row as a channel sees it.</summary>
public sealed record OutboundMessage(long OutboxId, long ContactId, string Channel, OutboxPayload Payload);

/// <summary>How a send failed: worth another try, never worth one, or refused because the recipient opted out.</summary>
public enum SendFailure { None, Transient, Permanent, OptedOut }

public sealed record SendOutcome(SendFailure Failure, string? ProviderRef = null, string? Error = null)
{
    public bool Sent => Failure == SendFailure.None;

    public static SendOutcome Delivered(string? providerRef) => new(SendFailure.None, providerRef);
    public static SendOutcome Transient(string error) => new(SendFailure.Transient, Error: error);
    public static SendOutcome Permanent(string error) => new(SendFailure.Permanent, Error: error);
    public static SendOutcome OptedOut(string error) => new(SendFailure.OptedOut, Error: error);
}
