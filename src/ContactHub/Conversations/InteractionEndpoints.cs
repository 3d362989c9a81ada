using System.ComponentModel;
using ContactHub.Contacts;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ContactHub.Conversations;

public static class InteractionEndpoints
{
    public const int MaxBatch = 1_000;

    public sealed record RecordedInteraction(long InteractionId, long ContactId, long ConversationId, bool ContactCreated, bool ConversationCreated)
    {
        public static RecordedInteraction From(RecordResult r) => new(r.InteractionId, r.ContactId, r.ConversationId, r.ContactCreated, r.ConversationCreated);
    }

    public sealed record BatchRequest([property: Description("Up to 1,000 interactions, each recorded on its own.")] List<InteractionRequest>? Items);

    public sealed record BatchItemResult(int Index, int Status, long? InteractionId = null, long? ContactId = null, long? ConversationId = null,
        bool? ContactCreated = null, bool? ConversationCreated = null, string? Title = null, IDictionary<string, string[]>? Errors = null);

    public sealed record BatchResponse(int Recorded, int Repeated, int Failed, IReadOnlyList<BatchItemResult> Results);

    public static ApiGroups MapInteractions(this ApiGroups api)
    {
        var group = api.Write.MapGroup("/interactions").WithTags("Interactions");
        group.MapPost("/", Record).WithName("RecordInteraction")
            .WithSummary("Records one call, chat, SMS, WhatsApp, messaging or email event under the recognised contact.")
            .WithDescription("201 when recorded; 200 with the same ids when provider + providerRef was recorded before (a later status updates it).")
            .WithMetadata(new RequestSizeLimitAttribute(512 * 1024))
            .WithRequestExample("""
                {"channel": "call", "direction": "inbound", "occurredAt": "2026-11-23T09:30:00Z", "durationSeconds": 312,
                 "customer": {"phone": "+33612345678", "email": "ana.lima@example.com", "name": "Ana Lima"},
                 "agent": "maria", "status": "completed", "provider": "twilio", "providerRef": "CA1234567890abcdef",
                 "metadata": {"queue": "bookings"}}
                """);
        group.MapPost("/batch", RecordBatch).WithName("RecordInteractionBatch")
            .WithSummary("Records up to 1,000 interactions; one result per item, in order.")
            .WithMetadata(new RequestSizeLimitAttribute(64L * 1024 * 1024))
            .WithRequestExample("""
                {"items": [
                  {"channel": "chat", "direction": "inbound", "customer": {"phone": "+33612345678"}, "body": "Can I change my flight?", "provider": "livechat", "providerRef": "chat-881"},
                  {"channel": "sms", "direction": "outbound", "customer": {"phone": "+33612345678"}, "body": "Summary: flight moved to Friday 09:40", "agent": "maria"}
                ]}
                """);
        return api;
    }

    /// <summary>An agent signed in with their own identity records as themselves unless they say otherwise.</summary>
    public static InteractionRequest WithAgent(InteractionRequest request, System.Security.Claims.ClaimsPrincipal user) =>
        request with { Agent = request.Agent ?? JwtScopes.AgentOf(user) };

    private static async Task<Results<Created<RecordedInteraction>, Ok<RecordedInteraction>, ValidationProblem>> Record(
        InteractionRequest request, InteractionRecorder recorder, IdentifierNormalizer normalizer, ContactAttributeStore attributes, TimeProvider clock,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        // The attribute schema is read only for events that carry attributes: the common event costs nothing more.
        var schema = request.Customer?.Attributes is { Count: > 0 } ? await attributes.SchemaAsync(ct) : null;
        var (interaction, errors) = InteractionValidation.Validate(WithAgent(request, user), normalizer, clock.GetUtcNow(), schema);
        if (interaction is null) return TypedResults.ValidationProblem(errors, title: "The interaction is not valid");
        var result = await recorder.RecordAsync(interaction, ct);
        var body = RecordedInteraction.From(result);
        return result.Repeated ? TypedResults.Ok(body) : TypedResults.Created($"/api/v1/conversations/{result.ConversationId}", body);
    }

    private static async Task<Results<Ok<BatchResponse>, ValidationProblem>> RecordBatch(
        BatchRequest request, InteractionRecorder recorder, IdentifierNormalizer normalizer, ContactAttributeStore attributes, TimeProvider clock,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        if (request.Items is not { Count: > 0 and <= MaxBatch } items)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["items"] = [$"Give 1 to {MaxBatch} interactions."] });
        var results = new BatchItemResult[items.Count];
        var valid = new List<(int Index, NewInteraction Interaction)>(items.Count);
        for (var index = 0; index < items.Count; index++)
        {
            if (items[index] is null)
            {
                results[index] = new BatchItemResult(index, 400, Title: "The interaction is not valid", Errors: new Dictionary<string, string[]> { ["body"] = ["Must be an object."] });
                continue;
            }
            var schema = items[index].Customer?.Attributes is { Count: > 0 } ? await attributes.SchemaAsync(ct) : null;
            var (interaction, errors) = InteractionValidation.Validate(WithAgent(items[index], user), normalizer, clock.GetUtcNow(), schema);
            if (interaction is null) results[index] = new BatchItemResult(index, 400, Title: "The interaction is not valid", Errors: errors);
            else valid.Add((index, interaction));
        }
        var recorded = await recorder.RecordEachAsync(valid.ConvertAll(v => v.Interaction), ct);
        for (var n = 0; n < valid.Count; n++)
        {
            var index = valid[n].Index;
            results[index] = recorded[n] is { Result: { } r }
                ? new BatchItemResult(index, r.Repeated ? 200 : 201, r.InteractionId, r.ContactId, r.ConversationId, r.ContactCreated, r.ConversationCreated)
                : new BatchItemResult(index, recorded[n].Refused!.Status, Title: recorded[n].Refused!.Message);
        }
        return TypedResults.Ok(new BatchResponse(results.Count(r => r.Status == 201), results.Count(r => r.Status == 200), results.Count(r => r.Status >= 400), results));
    }
}
