using Microsoft.Extensions.Options;
using Twilio.Security;

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
        // Twilio's own validator (the SDK): HMAC-SHA1 of the URL and the sorted form, with and without the default port.
        var parameters = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        var signature = http.Request.Headers["X-Twilio-Signature"].ToString();
        var validator = new RequestValidator(twilio.AuthToken!);
        if (signature.Length is 0 or > 100 || !WithoutDefaultPort(url).Any(candidate => validator.Validate(candidate, parameters, signature)))
        {
            TwilioLog.Rejected(logger, http.Request.Path, "missing or wrong X-Twilio-Signature");
            return TypedResults.Problem("The X-Twilio-Signature header is missing or does not match this request.", statusCode: 403, title: "Invalid signature");
        }
        return await next(context);
    }

    /// <summary>The URL, and without its port when it names the scheme's default (Twilio signs the URL as it called it).</summary>
    private static IEnumerable<string> WithoutDefaultPort(string url)
    {
        yield return url;
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsDefaultPort && url.Contains($"{uri.Host}:{uri.Port}", StringComparison.OrdinalIgnoreCase))
            yield return url.Replace($"{uri.Host}:{uri.Port}", uri.Host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The URL Twilio called: Twilio:PublicBaseUrl when ContactHub sits behind a proxy, else the request's own.</summary>
    public static string PublicUrl(HttpRequest request, string? publicBaseUrl) => PublicBase(request, publicBaseUrl) + request.Path + request.QueryString;

    /// <summary>Where Twilio reaches ContactHub: Twilio:PublicBaseUrl, else the request's own scheme, host and base path.</summary>
    public static string PublicBase(HttpRequest request, string? publicBaseUrl) =>
        string.IsNullOrEmpty(publicBaseUrl) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : publicBaseUrl.TrimEnd('/');
}
