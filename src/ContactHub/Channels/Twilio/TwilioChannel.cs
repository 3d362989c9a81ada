using ContactHub.Outbox;

namespace ContactHub.Channels.Twilio;

/// <summary>
/// SMS or WhatsApp through Twilio's Messages API, one request per message. Twilio's refusals are classified here:
/// 21610 (the recipient replied STOP) is an opt-out, other 4xx but 429 are permanent, the rest is worth another try.
/// </summary>
public abstract class TwilioChannel(TwilioClient client) : IOutboundChannel
{
    public abstract string Channel { get; }

    public string Provider => "twilio";

    // Without Twilio settings a message stays queued until they are given (and the dispatcher retries); it is not refused.
    public string? Unavailable => null;

    public string? NewProviderRef() => null; // Twilio assigns the Message SID

    public async Task<IReadOnlyList<SendOutcome>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken ct)
    {
        var outcomes = new List<SendOutcome>(messages.Count);
        foreach (var message in messages)
            outcomes.Add(await SendOneAsync(message.Payload, ct));
        return outcomes;
    }

    private async Task<SendOutcome> SendOneAsync(OutboxPayload payload, CancellationToken ct)
    {
        try
        {
            var sent = await client.SendMessageAsync(new TwilioOutboundMessage(payload.To, payload.Body, Channel == Channels.Channel.WhatsApp, payload.MediaUrls), ct);
            return SendOutcome.Delivered(sent.Sid);
        }
        catch (TwilioException ex) when (ex.Code == TwilioException.Unsubscribed)
        {
            return SendOutcome.OptedOut(ex.Message);
        }
        catch (TwilioException ex)
        {
            return ex.Permanent ? SendOutcome.Permanent(ex.Message) : SendOutcome.Transient(ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or TaskCanceledException)
        {
            return SendOutcome.Transient($"Twilio unreachable ({ex.GetType().Name})");
        }
    }
}

public sealed class TwilioSmsChannel(TwilioClient client) : TwilioChannel(client)
{
    public override string Channel => Channels.Channel.Sms;
}

public sealed class TwilioWhatsAppChannel(TwilioClient client) : TwilioChannel(client)
{
    public override string Channel => Channels.Channel.WhatsApp;
}
