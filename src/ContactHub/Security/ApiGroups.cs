namespace ContactHub.Security;

/// <summary>
/// The /api/v1 surface: a root group that requires a caller authenticated by API key or bearer token, and under it
/// one group per scope. A feature maps each route on the group of the scope it needs, so that no route carries its
/// own authorization. The scopes are separate (a telephony platform's key may only write), so the scope groups are
/// siblings under the root, not nested in one another: nesting would require every scope above too.
/// </summary>
public sealed record ApiGroups(RouteGroupBuilder Read, RouteGroupBuilder Write, RouteGroupBuilder Admin)
{
    /// <summary>The same three groups under a feature's prefix, each with the feature's shared metadata (tags, problems).</summary>
    public ApiGroups Under(string prefix, Action<RouteGroupBuilder> configure)
    {
        RouteGroupBuilder Child(RouteGroupBuilder parent)
        {
            var group = parent.MapGroup(prefix);
            configure(group);
            return group;
        }
        return new ApiGroups(Child(Read), Child(Write), Child(Admin));
    }
}

public static class ApiGroupsExtensions
{
    public static ApiGroups MapApi(this IEndpointRouteBuilder routes)
    {
        var root = routes.MapGroup("/api/v1").RequireAuthorization();
        return new ApiGroups(
            root.MapGroup("/").RequireAuthorization(Scopes.Read),
            root.MapGroup("/").RequireAuthorization(Scopes.Write),
            root.MapGroup("/").RequireAuthorization(Scopes.Admin));
    }
}
