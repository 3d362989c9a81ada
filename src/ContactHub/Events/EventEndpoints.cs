using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Events;

public static class EventEndpoints
{
    public sealed record EventPage(IReadOnlyList<EventEnvelope> Events, long Next, bool HasMore);

    public static ApiGroups MapEvents(this ApiGroups api)
    {
        var group = api.Under("/events", g => g.WithTags("Events").ProducesValidationProblem());
        group.Read.MapGet("/", Feed).WithName("ListEvents")
            .WithSummary("The event log after a cursor, oldest first: pass the answer's next as after to read on (a consumer that was down catches up so).");
        group.Read.MapGet("/stream", Stream).WithName("StreamEvents").Produces(200, contentType: "text/event-stream")
            .WithSummary("Server-Sent Events: every event as it happens; reconnecting with Last-Event-ID resumes after that cursor.");
        return api;
    }

    private static async Task<Results<Ok<EventPage>, ValidationProblem>> Feed(EventLog log, CancellationToken ct,
        long after = 0, string? types = null, long? contactId = null, int limit = 100)
    {
        var errors = Check(after, types, out var wanted);
        if (limit is < 1 or > 1000) errors["limit"] = ["Between 1 and 1000."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var rows = await log.ReadAsync(after, wanted, contactId, limit, ct);
        return TypedResults.Ok(new EventPage(rows.Select(r => r.ToEnvelope()).ToList(), rows.Count > 0 ? rows[^1].Position : after, rows.Count == limit));
    }

    private static async Task<IResult> Stream(HttpContext http, EventStream stream, CancellationToken ct, long? after = null, string? types = null, long? contactId = null)
    {
        var errors = Check(after ?? 0, types, out var wanted);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        await stream.WriteAsync(http, await stream.StartAsync(http, after, ct), wanted, contactId, ct);
        return TypedResults.Empty;
    }

    internal static Dictionary<string, string[]> Check(long after, string? types, out IReadOnlyList<string> wanted)
    {
        var errors = new Dictionary<string, string[]>();
        if (after < 0) errors["after"] = ["A cursor: 0 or a position from an earlier answer."];
        if (!EventTypes.TryParse(types, out wanted, out var unknown))
            errors["types"] = [$"Unknown event type '{unknown}'; one of {string.Join(", ", EventTypes.All)}."];
        return errors;
    }
}
