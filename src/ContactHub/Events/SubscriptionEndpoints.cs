using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using ContactHub.Channels;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Events;

public static partial class SubscriptionEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record CreateSubscriptionRequest(string? Url, IReadOnlyList<string>? Events, string? Secret = null, string? Channel = null, string? Agent = null,
        IReadOnlyList<string>? ChangedFields = null, string? Description = null);

    /// <summary>Only what is given changes; an empty string clears a filter (channel, agent, description).</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record UpdateSubscriptionRequest(string? Url = null, IReadOnlyList<string>? Events = null, string? Secret = null, string? Channel = null,
        string? Agent = null, IReadOnlyList<string>? ChangedFields = null, string? Description = null, string? Status = null);

    /// <summary>The answer to a creation: the subscription and its signing secret, shown this once.</summary>
    public sealed record CreatedSubscription(EventSubscription Subscription, string Secret);

    public static ApiGroups MapEventSubscriptions(this ApiGroups api)
    {
        var group = api.Under("/event-subscriptions", g => g.WithTags("Events").ProducesProblem(404).ProducesValidationProblem());
        group.Admin.MapGet("/", List).WithName("ListEventSubscriptions");
        group.Admin.MapGet("/{id:long}", Get).WithName("GetEventSubscription");
        group.Admin.MapPost("/", Create).WithName("CreateEventSubscription")
            .WithSummary("Subscribes a URL to events, signed as Standard Webhooks says; the secret (generated when not given) is returned this once.")
            .WithRequestExample("""{"url": "https://crm.example.com/hooks", "events": ["interaction.recorded", "contact.merged"], "channel": "sms"}""");
        group.Admin.MapPatch("/{id:long}", Update).WithName("UpdateEventSubscription")
            .WithSummary("Changes the URL, events, filters or secret; status active enables a disabled subscription again (its waiting events follow).")
            .WithRequestExample("""{"status": "active"}""");
        group.Admin.MapDelete("/{id:long}", Delete).WithName("DeleteEventSubscription");
        group.Admin.MapGet("/{id:long}/deliveries", Deliveries).WithName("ListEventDeliveries")
            .WithSummary("The subscription's deliveries, newest first, with their attempts, last HTTP status and error.");
        group.Admin.MapPost("/{id:long}/deliveries/{deliveryId:long}/retry", Retry).WithName("RetryEventDelivery")
            .WithSummary("Sends a delivery again now (the same webhook-id).");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<EventSubscription>>> List(SubscriptionStore store, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<EventSubscription>>((await store.ListAsync(ct)).Select(s => s.ToApi()).ToList());

    private static async Task<Results<Ok<EventSubscription>, ProblemHttpResult>> Get(long id, SubscriptionStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } s ? TypedResults.Ok(s.ToApi()) : Problems.NotFound($"Event subscription {id} does not exist.");

    private static async Task<Results<Created<CreatedSubscription>, ValidationProblem>> Create(CreateSubscriptionRequest request, SubscriptionStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        CheckUrl(request.Url, errors);
        CheckEvents(request.Events, errors);
        CheckSecret(request.Secret, errors);
        CheckFilters(request.Channel, request.Agent, request.ChangedFields, request.Description, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var secret = request.Secret ?? NewSecret();
        var input = new SubscriptionInput(request.Url!, request.Events!.Distinct().ToList(), Blank(request.Channel), Blank(request.Agent),
            (request.ChangedFields ?? []).Distinct().ToList(), Blank(request.Description));
        var id = await store.CreateAsync(input, secret, ct);
        return TypedResults.Created($"/api/v1/event-subscriptions/{id}", new CreatedSubscription((await store.GetAsync(id, ct))!.ToApi(), secret));
    }

    private static async Task<Results<Ok<EventSubscription>, ProblemHttpResult, ValidationProblem>> Update(long id, UpdateSubscriptionRequest request, SubscriptionStore store,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Url is not null) CheckUrl(request.Url, errors);
        if (request.Events is not null) CheckEvents(request.Events, errors);
        CheckSecret(request.Secret, errors);
        CheckFilters(request.Channel, request.Agent, request.ChangedFields, request.Description, errors);
        if (request.Status is not (null or SubscriptionStatus.Active or SubscriptionStatus.Disabled)) errors["status"] = ["active or disabled."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await store.GetAsync(id, ct) is not { } s) return Problems.NotFound($"Event subscription {id} does not exist.");

        var input = new SubscriptionInput(request.Url ?? s.Url, request.Events?.Distinct().ToList() ?? s.Types,
            request.Channel is null ? s.Channel : Blank(request.Channel), request.Agent is null ? s.Agent : Blank(request.Agent),
            request.ChangedFields?.Distinct().ToList() ?? s.Fields, request.Description is null ? s.Description : Blank(request.Description));
        await store.UpdateAsync(id, input, request.Secret, ct);
        if (request.Status is { } status && status != s.Status)
            await store.SetStatusAsync(id, status, status == SubscriptionStatus.Disabled ? "Disabled by an administrator." : null, ct);
        return TypedResults.Ok((await store.GetAsync(id, ct))!.ToApi());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(long id, SubscriptionStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"Event subscription {id} does not exist.");

    private static async Task<Results<Ok<IReadOnlyList<EventDelivery>>, ProblemHttpResult, ValidationProblem>> Deliveries(long id, SubscriptionStore subscriptions,
        DeliveryStore deliveries, CancellationToken ct, string? status = null, long? before = null, int limit = 100)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not (null or "pending" or "delivered")) errors["status"] = ["pending or delivered."];
        if (limit is < 1 or > 500) errors["limit"] = ["Between 1 and 500."];
        if (before is < 1) errors["before"] = ["A delivery id from an earlier page."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await subscriptions.GetAsync(id, ct) is null) return Problems.NotFound($"Event subscription {id} does not exist.");
        return TypedResults.Ok(await deliveries.ListAsync(id, status, before ?? long.MaxValue, limit, ct));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> Retry(long id, long deliveryId, DeliveryStore deliveries, EventSignals signals, CancellationToken ct)
    {
        if (!await deliveries.RetryNowAsync(id, deliveryId, ct))
            return Problems.NotFound($"Delivery {deliveryId} of subscription {id} does not exist, or is being sent right now.");
        signals.Sequenced();
        return TypedResults.Accepted($"/api/v1/event-subscriptions/{id}/deliveries");
    }

    private static void CheckUrl(string? url, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            errors["url"] = ["An absolute https URL (up to 2000 characters)."];
        else if (uri.Scheme == "http" && !uri.IsLoopback && !(IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)))
            errors["url"] = ["Must be https: events carry customer data. Plain http is accepted only for a loopback address (localhost, 127.0.0.1)."];
        else if (!string.IsNullOrEmpty(uri.UserInfo))
            errors["url"] = ["No credentials in the URL: receivers verify the signature instead."];
    }

    private static void CheckEvents(IReadOnlyList<string>? events, Dictionary<string, string[]> errors)
    {
        if (events is not { Count: > 0 }) errors["events"] = [$"At least one event type: {string.Join(", ", EventTypes.All)}."];
        else if (events.Any(e => e is null || !EventTypes.IsKnown(e)))
            errors["events"] = [$"Unknown event type '{events.First(e => e is null || !EventTypes.IsKnown(e))}'; one of {string.Join(", ", EventTypes.All)}."];
    }

    private static void CheckSecret(string? secret, Dictionary<string, string[]> errors)
    {
        if (secret is null) return;
        if (!secret.StartsWith("whsec_", StringComparison.Ordinal) || !TryKeyLength(secret[6..], out var length) || length is < 24 or > 64)
            errors["secret"] = ["whsec_ followed by 24 to 64 random bytes in base64 (leave it out and one is generated)."];
    }

    private static bool TryKeyLength(string base64, out int length) => Convert.TryFromBase64String(base64, new byte[base64.Length], out length);

    private static void CheckFilters(string? channel, string? agent, IReadOnlyList<string>? fields, string? description, Dictionary<string, string[]> errors)
    {
        if (!string.IsNullOrEmpty(channel) && !Channel.IsKnown(channel)) errors["channel"] = [$"One of {Channel.List(Channel.All)}."];
        if (agent is { Length: > 200 }) errors["agent"] = ["Up to 200 characters."];
        if (description is { Length: > 400 }) errors["description"] = ["Up to 400 characters."];
        if (fields is not null && (fields.Count > 20 || fields.Any(f => f is null || !FieldName().IsMatch(f))))
            errors["changedFields"] = ["Up to 20 field names as the events name them (displayName, status, agent …)."];
    }

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9]{0,63}$")]
    private static partial Regex FieldName();
}
