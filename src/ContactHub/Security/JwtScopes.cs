using System.Security.Claims;

namespace ContactHub.Security;

/// <summary>
/// Maps an identity provider's roles and scopes onto ContactHub's: a role or scp value equal to a scope,
/// or ending in ".read" / ".write" / ".admin" (e.g. ContactHub.Write), grants it.
/// </summary>
public static class JwtScopes
{
    public static void AddScopes(ClaimsPrincipal principal, string nameClaim)
    {
        if (principal.Identity is not ClaimsIdentity identity) return;
        var granted = identity.Claims
            .Where(c => c.Type is "roles" or "role" or "scp" or "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
                or "http://schemas.microsoft.com/identity/claims/scope")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .SelectMany(value => Scopes.All.Where(scope => value.Equals(scope, StringComparison.OrdinalIgnoreCase)
                || value.EndsWith("." + scope, StringComparison.OrdinalIgnoreCase)))
            .Distinct()
            .ToList(); // materialised: the identity is added to below
        foreach (var scope in granted) identity.AddClaim(new Claim(Scopes.ClaimType, scope));
        if (identity.FindFirst(nameClaim)?.Value is { } name)
            identity.AddClaim(new Claim(AgentClaim, name));
    }

    /// <summary>The signed-in agent (JWT callers only; an API key is not an agent).</summary>
    public static string? AgentOf(ClaimsPrincipal user) => user.FindFirst(AgentClaim)?.Value;

    /// <summary>Present on agents' tokens only: what they record defaults to this agent.</summary>
    public const string AgentClaim = "contacthub_agent";
}
