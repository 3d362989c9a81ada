using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Twilio;

public sealed record TwilioOutboundMessage(string To, string Body, bool WhatsApp, IReadOnlyList<string>? MediaUrls = null);

/// <summary>The part of Twilio's Message resource ContactHub reads.</summary>
public sealed record TwilioMessage(
    [property: JsonPropertyName("sid")] string Sid,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("error_code")] int? ErrorCode,
    [property: JsonPropertyName("error_message")] string? ErrorMessage);

/// <summary>Twilio's error body: {code, message, more_info, status}.</summary>
public sealed record TwilioError(
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("more_info")] string? MoreInfo,
    [property: JsonPropertyName("status")] int? Status);

/// <summary>A refused send. Permanent errors (4xx but 429) must not be retried; 21610 means the recipient unsubscribed.</summary>
public sealed class TwilioException(int httpStatus, TwilioError? error)
    : Exception($"Twilio answered {httpStatus}" + (error?.Code is { } code ? $" with error {code}: {error.Message}" : "."))
{
    public const int Unsubscribed = 21610;

    public int HttpStatus { get; } = httpStatus;
    public int? Code { get; } = error?.Code;
    public string? MoreInfo { get; } = error?.MoreInfo;
    public bool Permanent => HttpStatus is >= 400 and < 500 and not 429;
}

/// <summary>
/// A small typed client for Twilio's REST API (no Twilio SDK is available). Retries with backoff
/// are the HTTP pipeline's job (see TwilioFeature); this class speaks the wire format.
/// </summary>
public sealed class TwilioClient(HttpClient http, IOptions<TwilioOptions> options)
{
    public async Task<TwilioMessage> SendMessageAsync(TwilioOutboundMessage message, CancellationToken ct = default)
    {
        var o = options.Value;
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", message.WhatsApp ? "whatsapp:" + message.To : message.To),
            new("Body", message.Body),
        };
        if (message.WhatsApp && !string.IsNullOrEmpty(o.WhatsAppFrom))
            form.Add(new("From", o.WhatsAppFrom.StartsWith("whatsapp:", StringComparison.Ordinal) ? o.WhatsAppFrom : "whatsapp:" + o.WhatsAppFrom));
        else if (!string.IsNullOrEmpty(o.MessagingServiceSid))
            form.Add(new("MessagingServiceSid", o.MessagingServiceSid));
        else
            form.Add(new("From", message.WhatsApp ? "whatsapp:" + o.FromNumber : o.FromNumber!));
        foreach (var url in message.MediaUrls ?? []) form.Add(new("MediaUrl", url));
        if (!string.IsNullOrEmpty(o.PublicBaseUrl))
            form.Add(new("StatusCallback", o.PublicBaseUrl.TrimEnd('/') + "/webhooks/twilio/message-status"));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{o.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{o.AccountSid}/Messages.json")
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{o.AccountSid}:{o.AuthToken}")));
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new TwilioException((int)response.StatusCode, TryRead<TwilioError>(body));
        return TryRead<TwilioMessage>(body) ?? throw new TwilioException((int)response.StatusCode, new TwilioError(null, "unreadable answer", null, null));
    }

    private static T? TryRead<T>(string body) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(body); }
        catch (JsonException) { return null; }
    }
}
