using System.Security.Cryptography;
using System.Text;

namespace ContactHub.Channels.Twilio;

/// <summary>
/// X-Twilio-Signature: Base64(HMAC-SHA1(auth token, full URL + every POST parameter's name and value,
/// sorted by name)). Twilio may sign the URL with or without the default port, so both are accepted.
/// </summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
            data.Append(name).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length > 100) return false;
        var list = parameters.ToList();
        var presented = Encoding.ASCII.GetBytes(signature);
        return UrlVariants(url).Aggregate(false, (ok, candidate) =>
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(authToken, candidate, list)), presented) | ok);
    }

    /// <summary>The URL as given, without its port, and with the scheme's default port.</summary>
    public static IEnumerable<string> UrlVariants(string url)
    {
        yield return url;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) yield break;
        var authorityStart = schemeEnd + 3;
        var pathStart = url.IndexOfAny(['/', '?', '#'], authorityStart);
        var authority = pathStart < 0 ? url[authorityStart..] : url[authorityStart..pathStart];
        var rest = pathStart < 0 ? "" : url[pathStart..];
        var hostEnd = authority.StartsWith('[') ? authority.IndexOf(']') + 1 : authority.LastIndexOf(':') is var c and >= 0 ? c : authority.Length;
        var host = authority[..hostEnd];
        var scheme = url[..schemeEnd];
        if (hostEnd < authority.Length)
            yield return $"{scheme}://{host}{rest}";
        else
            yield return $"{scheme}://{host}:{(scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80)}{rest}";
    }
}
