using ContactHub.Events;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Channels.Crm;

public static class CrmEndpoints
{
    /// <summary>A connector as an administrator watches it: where its cursor is, how far behind the log, what failed.</summary>
    public sealed record ConnectorStatus(string Name, bool Enabled, long? Position, long Head, long? Lag, string? LastError, DateTimeOffset? LastWrittenAt,
        bool Leased, IReadOnlyDictionary<string, long> Failures);

    public static ApiGroups MapConnectors(this ApiGroups api)
    {
        var group = api.Under("/connectors", g => g.WithTags("CRM connectors").ProducesProblem(404));
        group.Read.MapGet("/", List).WithName("ListConnectors")
            .WithSummary("Each CRM connector: its cursor in the event log, its lag behind the log's head, its last error and its parked failures.");
        group.Read.MapGet("/{name}/failures", Failures).WithName("ListConnectorFailures")
            .WithSummary("What the connector could not write, newest first, with the reason (status=parked|retry|resolved).").ProducesValidationProblem();
        group.Admin.MapPost("/{name}/failures/{id:long}/retry", Retry).WithName("RetryConnectorFailure")
            .WithSummary("Tries a parked event again (after fixing its cause: the CRM contact created, the duplicate resolved).");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ConnectorStatus>>> List(IEnumerable<ICrmConnector> connectors, CrmStore store, EventLog log, TimeProvider clock, CancellationToken ct)
    {
        var head = await log.HeadAsync(ct);
        var result = new List<ConnectorStatus>();
        foreach (var crm in connectors)
        {
            var cursor = await store.CursorAsync(crm.Name, ct);
            result.Add(new ConnectorStatus(crm.Name, crm.Enabled, cursor?.Position, head, cursor is null ? null : Math.Max(0, head - cursor.Position), cursor?.LastError,
                cursor?.LastWrittenAt, cursor?.LeaseUntil > clock.GetUtcNow(), await store.FailureCountsAsync(crm.Name, ct)));
        }
        return TypedResults.Ok<IReadOnlyList<ConnectorStatus>>(result);
    }

    private static async Task<Results<Ok<IReadOnlyList<CrmFailure>>, ProblemHttpResult, ValidationProblem>> Failures(string name, IEnumerable<ICrmConnector> connectors,
        CrmStore store, CancellationToken ct, string? status = null, int limit = 100)
    {
        if (!connectors.Any(c => c.Name == name)) return NotFound(name);
        if (status is not (null or "parked" or "retry" or "resolved"))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["parked, retry or resolved."] });
        if (limit is < 1 or > 1000) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 1000."] });
        return TypedResults.Ok(await store.FailuresAsync(name, status, limit, ct));
    }

    private static async Task<Results<Accepted<CrmFailure>, ProblemHttpResult>> Retry(string name, long id, CrmStore store, CrmRunner runner, AuditLog audit,
        HttpContext http, CancellationToken ct)
    {
        if (await store.FailureAsync(name, id, ct) is not { } failure) return Problems.NotFound($"Connector {name} has no failure {id}.");
        if (failure.Status == "resolved") return TypedResults.Problem($"Failure {id} was already written.", statusCode: 409, title: "Already resolved");
        await store.SetFailureAsync(id, "retry", null, tried: false, ct);
        audit.Write(http, "crm.retry", "crm-failure", id, failure.ContactId, details: name);
        runner.Nudge();
        return TypedResults.Accepted($"/api/v1/connectors/{name}/failures", (await store.FailureAsync(name, id, ct))!);
    }

    private static ProblemHttpResult NotFound(string name) => Problems.NotFound($"There is no connector '{name}' (dynamics, salesforce).");
}
