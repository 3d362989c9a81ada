using System.Net;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Rest.Content.V1;
using Twilio.Types;

namespace ContactHub.Channels.Twilio;

/// <summary>One message to send: free text (with media) or a Content template (ContentSid and its variables as JSON).</summary>
public sealed record TwilioOutboundMessage(string To, string? Body, bool WhatsApp, IReadOnlyList<string>? MediaUrls = null,
    string? ContentSid = null, string? ContentVariables = null);

/// <summary>
/// Twilio's REST API through its SDK (Messages, Calls, Recordings, Content), over the HttpClient that TwilioFeature gives
/// retries, a timeout and — for tests or a regional edge — a base URL (see <see cref="TwilioEndpointHandler"/>).
/// The SDK throws <see cref="ApiException"/> for Twilio's refusals and <see cref="ApiConnectionException"/> when no answer came.
/// </summary>
public sealed class TwilioApi(System.Net.Http.HttpClient http, IOptions<TwilioOptions> options)
{
    public const int Unsubscribed = 21610;

    private readonly Lock _build = new();
    private TwilioRestClient? _client;

    /// <summary>
    /// The SDK's client, built on first use: the outbox builds this class at start-up, and building the client then loaded the
    /// 21 MB SDK (~3.5 MiB resident) into every service, Twilio configured or not (docs/BENCHMARKS.md, the export's memory).
    /// </summary>
    private TwilioRestClient Rest
    {
        get
        {
            if (_client is { } built) return built;
            lock (_build)
                return _client ??= new TwilioRestClient(options.Value.AccountSid, options.Value.AuthToken, options.Value.AccountSid, httpClient: new SystemNetHttpClient(http));
        }
    }

    public Task<MessageResource> SendMessageAsync(TwilioOutboundMessage message)
    {
        var o = options.Value;
        var send = new CreateMessageOptions(new PhoneNumber(message.WhatsApp ? "whatsapp:" + message.To : message.To));
        if (message.WhatsApp && !string.IsNullOrEmpty(o.WhatsAppFrom))
            send.From = new PhoneNumber(o.WhatsAppFrom.StartsWith("whatsapp:", StringComparison.Ordinal) ? o.WhatsAppFrom : "whatsapp:" + o.WhatsAppFrom);
        else if (!string.IsNullOrEmpty(o.MessagingServiceSid))
            send.MessagingServiceSid = o.MessagingServiceSid;
        else
            send.From = new PhoneNumber(message.WhatsApp ? "whatsapp:" + o.FromNumber : o.FromNumber);
        if (message.ContentSid is not null)
        {
            send.ContentSid = message.ContentSid;
            send.ContentVariables = message.ContentVariables;
        }
        else
            send.Body = message.Body;
        if (message.MediaUrls is { Count: > 0 } media) send.MediaUrl = media.Select(u => new Uri(u)).ToList();
        if (!string.IsNullOrEmpty(o.PublicBaseUrl)) send.StatusCallback = new Uri(o.PublicBaseUrl.TrimEnd('/') + "/webhooks/twilio/message-status");
        return MessageResource.CreateAsync(send, Rest);
    }

    /// <summary>Deletes a recording (and its transcriptions) at Twilio; one already gone counts as deleted.</summary>
    public async Task DeleteRecordingAsync(string recordingSid)
    {
        try { await RecordingResource.DeleteAsync(recordingSid, client: Rest); }
        catch (ApiException e) when (e.Status == (int)HttpStatusCode.NotFound) { }
    }

    /// <summary>The Content template with this sid, or null when Twilio does not know it.</summary>
    public async Task<ContentResource?> FindContentAsync(string contentSid)
    {
        try { return await ContentResource.FetchAsync(contentSid, Rest); }
        catch (ApiException e) when (e.Status == (int)HttpStatusCode.NotFound) { return null; }
    }

    /// <summary>The call with this sid, or null when Twilio does not know it.</summary>
    public async Task<CallResource?> FindCallAsync(string callSid)
    {
        try { return await CallResource.FetchAsync(callSid, client: Rest); }
        catch (ApiException e) when (e.Status == (int)HttpStatusCode.NotFound) { return null; }
    }

    /// <summary>
    /// The recording's audio (MP3), fetched with the account's credentials. The URL is built from the sids, never taken from
    /// a callback, so nothing a caller sends can point the request elsewhere.
    /// </summary>
    public async Task<System.Net.Http.HttpResponseMessage> OpenRecordingAsync(string recordingSid, CancellationToken ct)
    {
        var o = options.Value;
        var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get,
            $"https://api.twilio.com/2010-04-01/Accounts/{o.AccountSid}/Recordings/{Uri.EscapeDataString(recordingSid)}.mp3");
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{o.AccountSid}:{o.AuthToken}")));
        return await http.SendAsync(request, System.Net.Http.HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>A refusal not worth repeating: Twilio answered 4xx other than 429.</summary>
    public static bool IsPermanent(ApiException e) => e.Status is >= 400 and < 500 and not 429;
}

/// <summary>
/// Sends the SDK's requests for *.twilio.com to Twilio:ApiBaseUrl when it is not Twilio's own (a test fake, a proxy),
/// keeping path and query; with the default it changes nothing.
/// </summary>
public sealed class TwilioEndpointHandler(IOptions<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken ct)
    {
        var target = new Uri(options.Value.ApiBaseUrl);
        if (request.RequestUri is { } uri && uri.Host.EndsWith("twilio.com", StringComparison.OrdinalIgnoreCase) && !string.Equals(uri.Host, target.Host, StringComparison.OrdinalIgnoreCase))
            request.RequestUri = new Uri(target, uri.PathAndQuery);
        return base.SendAsync(request, ct);
    }
}
