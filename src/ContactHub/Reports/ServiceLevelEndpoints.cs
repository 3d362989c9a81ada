using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Reports;

public static class ServiceLevelEndpoints
{
    public sealed record ServiceLevelReport(DateTimeOffset From, DateTimeOffset To, string? Calendar, string? TimeZone, IReadOnlyList<ServiceLevel> Levels);

    public static ApiGroups MapServiceLevels(this ApiGroups api)
    {
        api.Read.MapGet("/service-levels", Get).WithTags("Reports").WithName("ServiceLevels")
            .WithSummary("Speed of answer, missed-call callback and first response per channel over [from, to) (a date alone is a whole local day in timeZone, by default the calendar's), in business time, with the share in time and whether each target was met.")
            .ProducesValidationProblem();
        return api;
    }

    /// <summary>
    /// [from, to) as people type them (<see cref="LocalTimes"/>), local ones in timeZone, by default the calendar's: from=2026-11-01&amp;to=2026-11-30
    /// is November in Paris, as in exports and reports.
    /// </summary>
    private static async Task<Results<Ok<ServiceLevelReport>, ValidationProblem>> Get(ServiceLevels levels, CancellationToken ct,
        string? from = null, string? to = null, string? timeZone = null)
    {
        var calendar = await levels.CalendarAsync(ct);
        var errors = new Dictionary<string, string[]>();
        if (!LocalTimes.TryFindZone(timeZone ?? calendar?.TimeZone ?? "UTC", out var zone)) errors["timeZone"] = ["An IANA time zone such as Europe/Paris (by default the calendar's)."];
        var start = LocalTimes.ReadField(from, zone, endOfDay: false, "from", errors);
        var end = LocalTimes.ReadField(to, zone, endOfDay: true, "to", errors);
        if (from is null) errors["from"] = ["Required. " + LocalTimes.Expected()];
        if (to is null) errors["to"] = ["Required. " + LocalTimes.Expected()];
        else if (start is { } s && end is { } e && (e <= s || e - s > TimeSpan.FromDays(400))) errors["to"] = ["After from, and at most 400 days after it."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(new ServiceLevelReport(start!.Value, end!.Value, calendar?.Name, calendar?.TimeZone, await levels.ComputeAsync(start.Value, end.Value, ct)));
    }
}
