using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Reports;

public static class ServiceLevelEndpoints
{
    public sealed record ServiceLevelReport(DateTimeOffset From, DateTimeOffset To, string? Calendar, string? TimeZone, IReadOnlyList<ServiceLevel> Levels);

    public static ApiGroups MapServiceLevels(this ApiGroups api)
    {
        api.Read.MapGet("/service-levels", Get).WithTags("Reports").WithName("ServiceLevels")
            .WithSummary("Speed of answer, missed-call callback and first response per channel over [from, to), in business time, with the share in time and whether each target was met.")
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<Results<Ok<ServiceLevelReport>, ValidationProblem>> Get(DateTimeOffset? from, DateTimeOffset? to, ServiceLevels levels, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (from is null) errors["from"] = ["Required: an instant with its offset, e.g. 2026-11-23T00:00:00+01:00."];
        if (to is null) errors["to"] = ["Required: an instant with its offset."];
        else if (from is not null && (to <= from || to - from > TimeSpan.FromDays(400))) errors["to"] = ["After from, and at most 400 days after it."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var calendar = await levels.CalendarAsync(ct);
        return TypedResults.Ok(new ServiceLevelReport(from!.Value, to!.Value, calendar?.Name, calendar?.TimeZone, await levels.ComputeAsync(from.Value, to.Value, ct)));
    }
}
