using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Twilio;

/// <summary>Refuses (403, nothing recorded) any webhook whose X-Twilio-Signature does not match the URL Twilio called and its form.</summary>
public sealed class TwilioSignatureFilter(IOptionsMonitor<TwilioOptions> options, ILogger<TwilioSignatureFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var twilio = options.CurrentValue;
        if (!twilio.Enabled)
            return TypedResults.Problem("Twilio is not configured here: set Twilio:AccountSid and Twilio:AuthToken.", statusCode: 503, title: "Twilio not configured");
        if (!http.Request.HasFormContentType)
            return TypedResults.Problem("Twilio webhooks are application/x-www-form-urlencoded.", statusCode: 415, title: "Unsupported media type");

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var url = PublicUrl(http.Request, twilio.PublicBaseUrl);
        var parameters = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? "")));
        if (!TwilioSignature.IsValid(twilio.AuthToken!, url, parameters, http.Request.Headers["X-Twilio-Signature"].ToString()))
        {
            TwilioLog.Rejected(logger, http.Request.Path, "missing or wrong X-Twilio-Signature");
            return TypedResults.Problem("The X-Twilio-Signature header is missing or does not match this request.", statusCode: 403, title: "Invalid signature");
        }
        return await next(context);
    }

    /// <summary>The URL Twilio called: Twilio:PublicBaseUrl when ContactHub sits behind a proxy, else the request's own.</summary>
    public static string PublicUrl(HttpRequest request, string? publicBaseUrl) =>
        (string.IsNullOrEmpty(publicBaseUrl) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : publicBaseUrl.TrimEnd('/'))
        + request.Path + request.QueryString;
}
