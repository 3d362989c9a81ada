using Microsoft.AspNetCore.Authorization;

namespace ContactHub.Security;

/// <summary>API key scopes; each is also the name of the authorization policy that requires it.</summary>
public static class Scopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Read, Write, Admin];

    public const string ClaimType = "scope";

    /// <summary>A 403's detail: the scope the route needs and those the caller's key or token carries (names only, never the key).</summary>
    public static string Missing(HttpContext http, string credential)
    {
        var needed = http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(a => a.Policy).OfType<string>().Where(All.Contains).Distinct().ToList() ?? [];
        var held = http.User.FindAll(ClaimType).Select(c => c.Value).Distinct().ToList();
        var has = held.Count == 0 ? $"this {credential} has none" : $"this {credential} has {string.Join(", ", held)}";
        return needed.Count == 0 ? $"The {credential} does not carry the scope this route requires ({has})."
            : $"This route needs the {string.Join(" and ", needed)} scope; {has}.";
    }
}
