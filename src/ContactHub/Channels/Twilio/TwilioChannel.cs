using ContactHub.Outbox;
using Twilio.Exceptions;

namespace ContactHub.Channels.Twilio;

/// <summary>
/// SMS or WhatsApp through Twilio's Messages API, one request per message. Twilio's refusals are classified here:
/// 21610 (the recipient replied STOP) is an opt-out, other 4xx but 429 are permanent, the rest is worth another try.
/// </summary>
public abstract class TwilioChannel(TwilioApi client) : IOutboundChannel
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
            ct.ThrowIfCancellationRequested();
            var sent = await client.SendMessageAsync(new TwilioOutboundMessage(payload.To, payload.Body, Channel == Channels.Channel.WhatsApp, payload.MediaUrls,
                payload.ContentSid, payload.ContentVariables));
            return SendOutcome.Delivered(sent.Sid);
        }
        catch (ApiException ex) when (ex.Code == TwilioApi.Unsubscribed)
        {
            return SendOutcome.OptedOut(Describe(ex));
        }
        catch (ApiException ex)
        {
            return TwilioApi.IsPermanent(ex) ? SendOutcome.Permanent(Describe(ex)) : SendOutcome.Transient(Describe(ex));
        }
        catch (ApiConnectionException ex)
        {
            return SendOutcome.Transient($"Twilio unreachable ({(ex.InnerException ?? ex).GetType().Name})");
        }
    }

    private static string Describe(ApiException ex) => $"Twilio answered {ex.Status}" + (ex.Code != 0 ? $" with error {ex.Code}: {ex.Message}" : ".");
}

public sealed class TwilioSmsChannel(TwilioApi client) : TwilioChannel(client)
{
    public override string Channel => Channels.Channel.Sms;
}

public sealed class TwilioWhatsAppChannel(TwilioApi client) : TwilioChannel(client)
{
    public override string Channel => Channels.Channel.WhatsApp;
}
