using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ContactHub.Channels.Graph;

/// <summary>
/// An app-only token for Graph by the OAuth 2.0 client-credentials grant (RFC 6749 §4.4, as the Microsoft
/// identity platform documents it), cached until shortly before it expires. The endpoint is a setting,
/// so that tests point it, like Graph itself, at a local server.
/// </summary>
public sealed class GraphTokenProvider(IHttpClientFactory http, IOptions<GraphOptions> options, TimeProvider clock) : IAccessTokenProvider
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (string Token, DateTimeOffset Expires)? _cached;

    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string? AccessToken, [property: JsonPropertyName("expires_in")] int ExpiresIn);

    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        if (_cached is { } c && c.Expires > clock.GetUtcNow()) return c.Token;
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && again.Expires > clock.GetUtcNow()) return again.Token;
            var o = options.Value;
            using var response = await http.CreateClient("graph-token").PostAsync(o.TokenEndpoint.Replace("{tenant}", o.TenantId), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = o.ClientId!,
                ["client_secret"] = o.ClientSecret!,
                ["scope"] = new Uri(new Uri(o.BaseUrl), "/").ToString() + ".default",
            }), cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"The token endpoint refused the client credentials ({(int)response.StatusCode}); check Graph:TenantId, Graph:ClientId and Graph:ClientSecret.");
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
            if (string.IsNullOrEmpty(token?.AccessToken)) throw new InvalidOperationException("The token endpoint answered without an access_token.");
            _cached = (token.AccessToken, clock.GetUtcNow().AddSeconds(Math.Max(30, token.ExpiresIn - 120)));
            return token.AccessToken;
        }
        finally
        {
            _lock.Release();
        }
    }
}
