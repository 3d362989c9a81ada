using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Security;

public static class AuditEndpoints
{
    public static ApiGroups MapAudit(this ApiGroups api)
    {
        api.Admin.MapGet("/audit", Query).WithTags("Audit").WithName("QueryAuditTrail")
            .WithSummary("Who read, exported, erased or merged what, and who managed keys: newest first.")
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditRow>>, ValidationProblem>> Query(AuditLog audit, CancellationToken ct,
        long? contactId = null, string? actor = null, string? action = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int? limit = 200)
    {
        if (limit is < 1 or > 1000) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 1000."] });
        if (from > to) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["Must not be before from."] });
        return TypedResults.Ok(await audit.QueryAsync(contactId, actor, action, from, to, limit ?? 200, ct));
    }
}
