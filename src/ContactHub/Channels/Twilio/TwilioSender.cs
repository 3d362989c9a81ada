using ContactHub.Campaigns;

namespace ContactHub.Channels.Twilio;

/// <summary>Sends an SMS or WhatsApp message to a contact; Twilio's "unsubscribed" (21610) becomes an opt-out.</summary>
public sealed class TwilioSender(TwilioClient client, ConsentStore consents, ILogger<TwilioSender> logger)
{
    public async Task<TwilioMessage> SendAsync(long contactId, string channel, string to, string body, IReadOnlyList<string>? mediaUrls = null, CancellationToken ct = default)
    {
        try
        {
            return await client.SendMessageAsync(new TwilioOutboundMessage(to, body, channel == "whatsapp", mediaUrls), ct);
        }
        catch (TwilioException ex) when (ex.Code == TwilioException.Unsubscribed)
        {
            await consents.SetAsync(contactId, channel, ConsentStatus.OptedOut, "twilio:21610", ct);
            TwilioLog.Unsubscribed(logger, contactId, channel);
            throw;
        }
    }
}
