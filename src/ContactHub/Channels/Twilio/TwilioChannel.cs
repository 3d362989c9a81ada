using ContactHub.Outbox;
using Microsoft.Extensions.Options;
using Twilio.Exceptions;

namespace ContactHub.Channels.Twilio;

/// <summary>
/// SMS or WhatsApp through Twilio's Messages API, one request per message. Twilio's refusals are classified here:
/// 21610 (the recipient replied STOP) is an opt-out, other 4xx but 429 are permanent, the rest is worth another try.
/// </summary>
public abstract class TwilioChannel(TwilioApi client, IOptions<TwilioOptions> options) : IOutboundChannel
{
    public abstract string Channel { get; }

    public string Provider => "twilio";

    /// <summary>What the channel is called in an answer ("SMS", "WhatsApp").</summary>
    protected abstract string Name { get; }

    // Without Twilio's settings a message is refused when asked for, as an email is without Email:FromAddress: queued, it went to
    // an empty account ("Accounts//Messages.json"), retried as "Twilio unreachable" offline and refused by Twilio online.
    public string? Unavailable => options.Value.Enabled ? null
        : $"{Name} is not configured here (Twilio:AccountSid, Twilio:AuthToken, and Twilio:FromNumber or Twilio:MessagingServiceSid).";

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

public sealed class TwilioSmsChannel(TwilioApi client, IOptions<TwilioOptions> options) : TwilioChannel(client, options)
{
    public override string Channel => Channels.Channel.Sms;

    protected override string Name => "SMS";
}

public sealed class TwilioWhatsAppChannel(TwilioApi client, IOptions<TwilioOptions> options) : TwilioChannel(client, options)
{
    public override string Channel => Channels.Channel.WhatsApp;

    protected override string Name => "WhatsApp";
}
