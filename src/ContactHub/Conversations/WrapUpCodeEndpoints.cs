using System.Security.Claims;
using System.Text.Json.Serialization;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Conversations;

public static class WrapUpCodeEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record CreateWrapUpCodeRequest(string? Code, Dictionary<string, string>? Labels, string? Group = null, bool Active = true);

    /// <summary>Labels replace the whole set (a new version); an empty group clears it; active false retires the code.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record UpdateWrapUpCodeRequest(Dictionary<string, string>? Labels = null, string? Group = null, bool? Active = null);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record WrapUpRequest(IReadOnlyList<string>? Codes, long? InteractionId = null);

    public static ApiGroups MapWrapUpCodes(this ApiGroups api)
    {
        var codes = api.Under("/wrap-up-codes", g => g.WithTags("Wrap-up codes").ProducesProblem(404).ProducesValidationProblem());
        codes.Read.MapGet("/", List).WithName("ListWrapUpCodes").WithSummary("The wrap-up codes agents can give (includeRetired=true: the retired ones too).");
        codes.Read.MapGet("/{code}", Get).WithName("GetWrapUpCode");
        codes.Read.MapGet("/{code}/versions", Versions).WithName("ListWrapUpCodeVersions")
            .WithSummary("Every version of a code's labels and group; a conversation keeps the version it was given.");
        codes.Admin.MapPost("/", Create).WithName("CreateWrapUpCode").ProducesProblem(409)
            .WithRequestExample("""{"code": "booking-changed", "labels": {"en": "Booking changed", "fr": "Réservation modifiée"}, "group": "Bookings"}""");
        codes.Admin.MapPatch("/{code}", Update).WithName("UpdateWrapUpCode")
            .WithSummary("New labels or group make a new version (the past keeps its own); active false retires the code.")
            .WithRequestExample("""{"labels": {"en": "Booking moved", "fr": "Réservation déplacée"}}""");

        var conversations = api.Under("/conversations", g => g.WithTags("Conversations").ProducesProblem(404).ProducesValidationProblem());
        conversations.Write.MapPost("/{id:long}/wrap-up", WrapUp).WithName("WrapUpConversation")
            .WithSummary("Gives a conversation, ended or not (or one of its calls, with interactionId), more wrap-up codes.")
            .WithRequestExample("""{"codes": ["refund"], "interactionId": 981}""");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<WrapUpCode>>> List(WrapUpCodeStore store, CancellationToken ct, bool includeRetired = false) =>
        TypedResults.Ok(await store.ListAsync(includeRetired, ct));

    private static async Task<Results<Ok<WrapUpCode>, ProblemHttpResult>> Get(string code, WrapUpCodeStore store, CancellationToken ct) =>
        await store.GetAsync(code, ct) is { } found ? TypedResults.Ok(found) : Problems.NotFound($"Wrap-up code '{code}' does not exist.");

    private static async Task<Results<Ok<IReadOnlyList<WrapUpCodeVersion>>, ProblemHttpResult>> Versions(string code, WrapUpCodeStore store, CancellationToken ct) =>
        await store.VersionsAsync(code, ct) is { Count: > 0 } versions ? TypedResults.Ok(versions) : Problems.NotFound($"Wrap-up code '{code}' does not exist.");

    private static async Task<Results<Created<WrapUpCode>, ProblemHttpResult, ValidationProblem>> Create(CreateWrapUpCodeRequest request, WrapUpCodeStore store, CancellationToken ct)
    {
        var errors = WrapUpCodeRules.Check(request.Code ?? "", request.Labels, request.Group, labelsRequired: true);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (!await store.CreateAsync(request.Code!, request.Labels!, string.IsNullOrWhiteSpace(request.Group) ? null : request.Group.Trim(), request.Active, ct))
            return TypedResults.Problem($"Wrap-up code '{request.Code}' exists already; PATCH it to change its labels.", statusCode: 409, title: "Code exists");
        return TypedResults.Created($"/api/v1/wrap-up-codes/{request.Code}", (await store.GetAsync(request.Code!, ct))!);
    }

    private static async Task<Results<Ok<WrapUpCode>, ProblemHttpResult, ValidationProblem>> Update(string code, UpdateWrapUpCodeRequest request, WrapUpCodeStore store,
        CancellationToken ct)
    {
        var errors = WrapUpCodeRules.Check(null, request.Labels, request.Group, labelsRequired: false);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var updated = await store.UpdateAsync(code, request.Labels, string.IsNullOrWhiteSpace(request.Group) ? null : request.Group.Trim(), request.Group == "", request.Active, ct);
        return updated is null ? Problems.NotFound($"Wrap-up code '{code}' does not exist.") : TypedResults.Ok(updated);
    }

    private static async Task<Results<Ok<IReadOnlyList<AppliedWrapUp>>, ProblemHttpResult, ValidationProblem>> WrapUp(long id, WrapUpRequest request,
        ConversationStore conversations, WrapUpCodeStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        if (request.Codes is not { Count: > 0 }) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["codes"] = ["At least one wrap-up code."] });
        if (await CheckCodes(request.Codes, "codes", store, ct) is { } bad) return bad;
        if (await conversations.GetDetailAsync(id, ct) is not { } detail) return Problems.NotFound($"Conversation {id} does not exist.");
        if (request.InteractionId is { } interactionId && detail.Interactions.All(i => i.Id != interactionId))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["interactionId"] = [$"Interaction {interactionId} is not one of conversation {id}'s."] });
        if (await conversations.WrapUpAsync(id, request.InteractionId, request.Codes, user.Identity?.Name, ct) is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["codes"] = ["A code was retired meanwhile; try again."] });
        return TypedResults.Ok(await store.AppliedAsync([id], ct));
    }

    /// <summary>A problem naming each unknown or retired code by its place in the list (field[0], …), or null when they are all active.</summary>
    internal static async Task<ValidationProblem?> CheckCodes(IReadOnlyList<string> codes, string field, WrapUpCodeStore store, CancellationToken ct)
    {
        if (codes.Count == 0) return null;
        if (codes.Count > 20) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = ["At most 20 codes."] });
        var unknown = await store.UnknownAsync(codes.Where(c => c is not null).ToList(), ct);
        var errors = codes.Select((c, i) => (c, i)).Where(x => x.c is null || unknown.Contains(x.c))
            .ToDictionary(x => $"{field}[{x.i}]", x => new[] { $"'{x.c}' is not an active wrap-up code (GET /api/v1/wrap-up-codes lists them)." });
        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors);
    }
}
