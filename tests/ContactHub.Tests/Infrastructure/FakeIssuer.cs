using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// An OpenID Connect issuer on loopback, as Entra ID presents itself: a discovery document and a JWKS with the
/// signing key; tests mint access tokens with it (valid, expired, or signed by another key). It also answers the
/// authorization code flow for browser sign-in: /authorize signs in <see cref="NextUser"/> at once and redirects back
/// with a code, /token exchanges the code for an id_token carrying the request's nonce.
/// </summary>
public sealed class FakeIssuer : IAsyncDisposable
{
    public const string Audience = "api://contacthub-tests";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key-1" };

    public string Authority { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string ClientId, string Nonce, (string Name, string[] Roles) User)> _codes = new();

    /// <summary>Who the next browser sign-in is.</summary>
    public (string Name, string[] Roles) NextUser { get; set; } = ("agent", ["ContactHub.Read"]);

    public FakeIssuer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority!,
            ["jwks_uri"] = Authority + "/keys",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["token_endpoint"] = Authority + "/token",
            ["authorization_endpoint"] = Authority + "/authorize",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        _app.MapGet("/authorize", (HttpRequest request) =>
        {
            var code = Guid.NewGuid().ToString("N");
            _codes[code] = (request.Query["client_id"].ToString(), request.Query["nonce"].ToString(), NextUser);
            var target = $"{request.Query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(request.Query["state"].ToString())}";
            return Results.Redirect(target);
        });
        _app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (!_codes.TryRemove(form["code"].ToString(), out var grant)) return Results.BadRequest(new { error = "invalid_grant" });
            var now = DateTime.UtcNow;
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Authority,
                Audience = grant.ClientId,
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = grant.User.Name, ["preferred_username"] = grant.User.Name, ["roles"] = grant.User.Roles, ["nonce"] = grant.Nonce,
                },
                IssuedAt = now, NotBefore = now.AddMinutes(-1), Expires = now.AddMinutes(30),
                SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { id_token = idToken, access_token = "opaque-" + Guid.NewGuid().ToString("N"), token_type = "Bearer", expires_in = 1800 });
        });
        _app.MapGet("/keys", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(_key);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E, alg = "RS256" } } });
        });
        _app.StartAsync().GetAwaiter().GetResult();
        Authority = _app.Urls.Single();
    }

    /// <summary>An agent's access token with these roles (e.g. ContactHub.Read).</summary>
    public string Token(string agent, IEnumerable<string> roles, TimeSpan? lifetime = null, bool foreignKey = false)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(30));
        var claims = new Dictionary<string, object> { ["preferred_username"] = agent, ["roles"] = roles.ToArray() };
        var key = foreignKey ? new RsaSecurityKey(RSA.Create(2048)) { KeyId = _key.KeyId } : _key;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = Audience,
            Claims = claims,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now.AddMinutes(-1),
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now.AddMinutes(-1),
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
