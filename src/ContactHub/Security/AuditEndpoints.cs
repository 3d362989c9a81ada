using ContactHub.Hosting;
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
        long? contactId = null, string? actor = null, string? action = null, string? from = null, string? to = null, string? timeZone = null, int? limit = 200)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > 1000) errors["limit"] = ["Between 1 and 1000."];
        // As people type them (LocalTimes): to=2026-11-26 includes the 26th, in timeZone (UTC by default).
        if (!LocalTimes.TryFindZone(timeZone ?? "UTC", out var zone)) errors["timeZone"] = ["An IANA time zone such as Europe/Paris."];
        var start = LocalTimes.ReadField(from, zone, endOfDay: false, "from", errors);
        var end = LocalTimes.ReadField(to, zone, endOfDay: true, "to", errors);
        if (errors.Count == 0 && start > end) errors["to"] = ["Must not be before from."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await audit.QueryAsync(contactId, actor, action, start, end, limit ?? 200, ct));
    }
}
