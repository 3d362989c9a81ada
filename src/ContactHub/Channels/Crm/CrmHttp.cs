using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ContactHub.Channels.Crm;

/// <summary>
/// An OAuth 2.0 client-credentials token, cached until a minute before it expires and dropped on a 401. What came with it
/// (Salesforce's instance_url) is kept too.
/// </summary>
public sealed class ClientCredentialsToken(HttpClient http, string crm, string tokenUrl, Func<IEnumerable<KeyValuePair<string, string>>> form, TimeProvider clock)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (string Token, DateTimeOffset Expires, JsonElement Body)? _current;

    public void Invalidate() => _current = null;

    public async Task<(string Token, JsonElement Body)> GetAsync(CancellationToken ct)
    {
        if (_current is { } c && c.Expires > clock.GetUtcNow().AddMinutes(1)) return (c.Token, c.Body);
        await _lock.WaitAsync(ct);
        try
        {
            if (_current is { } again && again.Expires > clock.GetUtcNow().AddMinutes(1)) return (again.Token, again.Body);
            HttpResponseMessage response;
            try { response = await http.PostAsync(tokenUrl, new FormUrlEncodedContent(form()), ct); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                throw new CrmTransientException($"{crm}: the token endpoint could not be reached ({e.GetType().Name}).", inner: e);
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    // A refusal here is a setting to fix (client id or secret, tenant, consent): the connector waits, its lastError says which.
                    var error = TryJson(text) is { } e && e.TryGetProperty("error", out var code) ? code.ToString() : $"HTTP {(int)response.StatusCode}";
                    throw new CrmTransientException($"{crm}: the token endpoint refused the client credentials ({error}); check the connector's ClientId, ClientSecret and tenant.",
                        Retry.After(response));
                }
                var body = TryJson(text) ?? throw new CrmTransientException($"{crm}: the token endpoint's answer is not JSON.");
                var token = body.TryGetProperty("access_token", out var t) ? t.GetString() : null;
                if (string.IsNullOrEmpty(token)) throw new CrmTransientException($"{crm}: the token endpoint gave no access_token.");
                var lifetime = body.TryGetProperty("expires_in", out var s) && (s.ValueKind == JsonValueKind.Number ? s.TryGetInt32(out var n) : int.TryParse(s.GetString(), out n))
                    ? TimeSpan.FromSeconds(n) : TimeSpan.FromMinutes(30);
                _current = (token, clock.GetUtcNow() + lifetime, body.Clone());
                return (token, body);
            }
        }
        finally { _lock.Release(); }
    }

    private static JsonElement? TryJson(string text)
    {
        try { using var d = JsonDocument.Parse(text); return d.RootElement.Clone(); }
        catch (JsonException) { return null; }
    }
}

/// <summary>How a CRM's answer is read: what to retry in order (throttled, down, a stale token, a concurrency clash) and what to park.</summary>
public static class Retry
{
    public static TimeSpan? After(HttpResponseMessage response) =>
        response.Headers.RetryAfter is { } r ? r.Delta ?? (r.Date is { } d ? d - DateTimeOffset.UtcNow : null) : null;

    /// <summary>Sends with the bearer token; a 401 drops the token and tries once more with a new one.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, ClientCredentialsToken token, string crm, Func<string, JsonElement, HttpRequestMessage> build,
        CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (bearer, body) = await token.GetAsync(ct);
            using var request = build(bearer, body);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            HttpResponseMessage response;
            try { response = await http.SendAsync(request, ct); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                throw new CrmTransientException($"{crm} could not be reached ({e.GetType().Name}).", inner: e);
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                response.Dispose();
                token.Invalidate(); // expired or revoked: one more try with a new token
                continue;
            }
            return response;
        }
    }

    /// <summary>Throws for a failed answer: 429, 5xx, 401 (after a new token), 412 and a throttling 403 are transient; other 4xx are permanent.</summary>
    public static async Task ThrowIfFailedAsync(HttpResponseMessage response, string crm, string what, Func<string, string?> describe, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(ct);
        var detail = describe(text) ?? $"HTTP {(int)response.StatusCode}";
        var status = (int)response.StatusCode;
        if (status is 429 or 401 or 408 or 412 or >= 500 || (status == 403 && text.Contains("REQUEST_LIMIT_EXCEEDED", StringComparison.Ordinal)))
            throw new CrmTransientException($"{crm} answered {status} to {what}: {detail}", After(response));
        throw new CrmPermanentException($"{crm} refused {what} ({status}): {detail}");
    }
}
