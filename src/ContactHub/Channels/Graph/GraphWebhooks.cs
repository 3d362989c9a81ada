using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Quartz;

namespace ContactHub.Channels.Graph;

/// <summary>
/// Graph change notifications: the subscription handshake echoes validationToken as text/plain; a
/// notification is checked by its clientState, acknowledged with 202 at once, and triggers a sync.
/// </summary>
public static class GraphWebhooks
{
    public static RouteGroupBuilder MapGraphWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/webhooks/graph").WithTags("Webhooks").AllowAnonymous()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(1024 * 1024))
            .ProducesProblem(400).ProducesProblem(403);
        group.MapGet("/", Validate).WithName("GraphSubscriptionValidation").WithSummary("Answers Graph's subscription validation handshake.");
        group.MapPost("/", Notify).WithName("GraphNotification").WithSummary("Receives Graph change notifications (validated by clientState) and triggers a mailbox sync.");
        return group;
    }

    private static IResult Validate(string? validationToken) =>
        validationToken is { Length: > 0 and <= 1024 }
            ? TypedResults.Text(validationToken, "text/plain", statusCode: 200)
            : TypedResults.Problem("Expected a validationToken query parameter.", statusCode: 400, title: "Bad request");

    private static async Task<IResult> Notify(HttpContext http, IOptions<GraphOptions> options, ISchedulerFactory schedulers, ILogger<GraphSyncJob> logger, string? validationToken = null)
    {
        if (validationToken is not null) return Validate(validationToken);
        var o = options.Value;
        if (!o.Enabled || string.IsNullOrEmpty(o.NotificationClientState))
            return TypedResults.Problem("Graph notifications are not configured here (Graph:NotificationClientState).", statusCode: 503, title: "Graph not configured");

        JsonDocument body;
        try { body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted); }
        catch (JsonException) { return TypedResults.Problem("The body is not a Graph notification collection.", statusCode: 400, title: "Bad request"); }
        using (body)
        {
            if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("value", out var items) || items.ValueKind != JsonValueKind.Array)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["value"] = ["An array of change notifications."] });
            var expected = Encoding.UTF8.GetBytes(o.NotificationClientState);
            var genuine = items.EnumerateArray().Count(n => n.ValueKind == JsonValueKind.Object && n.TryGetProperty("clientState", out var s) && s.ValueKind == JsonValueKind.String
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s.GetString()!), expected));
            if (genuine == 0)
            {
                GraphLog.BadClientState(logger);
                return TypedResults.Problem("No notification carries the expected clientState.", statusCode: 403, title: "Forbidden");
            }
        }
        var scheduler = await schedulers.GetScheduler(http.RequestAborted);
        if (await scheduler.Exists(GraphSyncJob.Key, http.RequestAborted))
            await scheduler.TriggerJob(GraphSyncJob.Key, http.RequestAborted);
        return TypedResults.Accepted((string?)null);
    }
}
