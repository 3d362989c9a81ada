using System.Security.Claims;
using ContactHub.Desk.Components;
using ContactHub.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ContactHub.Desk;

/// <summary>
/// Agents sign in to the desk with their own API key, exchanged once for a cookie session (HttpOnly, SameSite=Lax,
/// Secure on HTTPS, 8 hours sliding). The key's name is the agent; its scopes are the session's.
/// </summary>
public static class DeskAuth
{
    public const string Scheme = "Desk";
    public const string OidcScheme = "DeskOidc";
    public const string ReadPolicy = "desk-read";
    public const string WritePolicy = "desk-write";

    public static void MapDeskAuth(this IEndpointRouteBuilder routes)
    {
        // Signing in and out is for callers who are not (or no longer) signed in.
        var open = routes.MapGroup("/desk").AllowAnonymous().ExcludeFromDescription();
        open.MapGet("/sign-in", (HttpContext http, IOptions<DeskOptions> options, string? returnUrl) =>
            new RazorComponentResult<SignInPage>(new { View = new SignInView(Texts.For(http), null, Local(returnUrl), options.Value.Oidc.Enabled) }));
        open.MapGet("/sign-in/oidc", (IOptions<DeskOptions> options, string? returnUrl) => options.Value.Oidc.Enabled
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = Local(returnUrl) }, [OidcScheme])
            : Results.NotFound());
        open.MapPost("/sign-in", SignIn);
        open.MapPost("/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(Scheme);
            return TypedResults.LocalRedirect("/desk/sign-in");
        });
    }

    private static async Task<IResult> SignIn(HttpContext http, [FromForm] string? key, [FromForm] string? returnUrl, ApiKeyStore store, AuditLog audit,
        IOptions<DeskOptions> options)
    {
        var texts = Texts.For(http);
        if (await store.VerifyAsync(key?.Trim(), http.RequestAborted) is not { } row)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return new RazorComponentResult<SignInPage>(new { View = new SignInView(texts, texts.BadKey, Local(returnUrl), options.Value.Oidc.Enabled) }) { StatusCode = 401 };
        }
        List<Claim> claims = [new(ClaimTypes.Name, row.Name), new(JwtScopes.AgentClaim, row.Name), new("api_key_id", row.Id.ToString())];
        claims.AddRange(row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(Scopes.ClaimType, s)));
        await http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme)));
        audit.Write(row.Name, "desk.sign-in", "api-key", row.Id.ToString(), null, http.Connection.RemoteIpAddress?.ToString(), null);
        return TypedResults.LocalRedirect(Local(returnUrl));
    }

    /// <summary>Only paths of this site are followed after sign-in (no open redirect).</summary>
    public static string Local(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/desk";
}
