using System.Security.Claims;
using System.Text.Json.Serialization;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.FollowUps;

public static class FollowUpEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record CreateFollowUpRequest(long? ContactId, string? Title, long? ConversationId = null, string? Notes = null, string? AssignedTo = null, DateTimeOffset? DueAt = null);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record UpdateFollowUpRequest(string? Status = null, string? Title = null, string? Notes = null, string? AssignedTo = null, DateTimeOffset? DueAt = null,
        long? CompletedByInteractionId = null);

    public static ApiGroups MapFollowUps(this ApiGroups api)
    {
        var group = api.Under("/follow-ups", g => g.WithTags("Follow-ups").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/", List).WithName("ListFollowUps")
            .WithSummary("Follow-up tasks; due=overdue|today (in timeZone, UTC by default), by agent, contact or status.");
        group.Read.MapGet("/{id:long}", Get).WithName("GetFollowUp");
        group.Write.MapPost("/", Create).WithName("CreateFollowUp")
            .WithSummary("Creates a follow-up task for a contact (and optionally one of its conversations).")
            .WithRequestExample("""{"contactId": 42, "conversationId": 7, "title": "Call back with the refund amount", "assignedTo": "maria", "dueAt": "2026-11-25T09:00:00Z"}""");
        group.Write.MapPatch("/{id:long}", Update).WithName("UpdateFollowUp")
            .WithSummary("Reassigns, reschedules or completes a task; completing may link the interaction that did it.")
            .WithRequestExample("""{"status": "done", "completedByInteractionId": 1234}""");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<FollowUp>>, ValidationProblem>> List(FollowUpStore store, TimeProvider clock, CancellationToken ct,
        string? status = null, string? assignedTo = null, long? contactId = null, string? due = null, string? timeZone = null, int? limit = 100)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !FollowUpStatus.All.Contains(status)) errors["status"] = ["open, done or cancelled."];
        if (due is not (null or "overdue" or "today")) errors["due"] = ["overdue or today."];
        if (limit is < 1 or > 500) errors["limit"] = ["Between 1 and 500."];
        if (!LocalTimes.TryFindZone(timeZone ?? "UTC", out var zone)) errors["timeZone"] = ["An IANA time zone such as Europe/Paris."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = clock.GetUtcNow();
        var dayStart = LocalTimes.StartOfDay(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime), zone);
        var (from, before) = due switch
        {
            "overdue" => ((DateTimeOffset?)null, (DateTimeOffset?)now),
            "today" => (dayStart, dayStart.AddDays(1)),
            _ => (null, null),
        };
        var filter = new FollowUpFilter(due is null ? status : FollowUpStatus.Open, assignedTo, contactId, from, before, limit ?? 100);
        return TypedResults.Ok(await store.ListAsync(filter, ct));
    }

    private static async Task<Results<Ok<FollowUp>, ProblemHttpResult>> Get(long id, FollowUpStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } f ? TypedResults.Ok(f) : Problems.NotFound($"Follow-up {id} does not exist.");

    private static async Task<Results<Created<FollowUp>, ProblemHttpResult, ValidationProblem>> Create(CreateFollowUpRequest request, FollowUpStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = Check(request.Title, request.Notes, request.AssignedTo, titleRequired: true);
        if (request.ContactId is not > 0) errors["contactId"] = ["The contact the task is about."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var id = await store.CreateAsync(request.ContactId!.Value, request.ConversationId, request.Title!.Trim(), request.Notes, request.AssignedTo?.Trim(),
            request.DueAt?.ToUniversalTime(), user.Identity?.Name, ct);
        if (id is null)
            return Problems.NotFound($"Contact {request.ContactId} does not exist, or conversation {request.ConversationId} is not one of its conversations.");
        return TypedResults.Created($"/api/v1/follow-ups/{id}", (await store.GetAsync(id.Value, ct))!);
    }

    private static async Task<Results<Ok<FollowUp>, ProblemHttpResult, ValidationProblem>> Update(long id, UpdateFollowUpRequest request, FollowUpStore store, CancellationToken ct)
    {
        var errors = Check(request.Title, request.Notes, request.AssignedTo, titleRequired: false);
        if (request.Status is not null && !FollowUpStatus.All.Contains(request.Status)) errors["status"] = ["open, done or cancelled."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await store.GetAsync(id, ct) is not { } existing) return Problems.NotFound($"Follow-up {id} does not exist.");
        if (request.CompletedByInteractionId is { } interactionId && await store.InteractionContactAsync(interactionId, ct) != existing.ContactId)
            return TypedResults.Problem($"Interaction {interactionId} is not one of contact {existing.ContactId}'s.", statusCode: 422, title: "Wrong interaction");
        await store.UpdateAsync(id, request.Status, request.Title?.Trim(), request.Notes, request.AssignedTo?.Trim(), request.DueAt?.ToUniversalTime(), request.CompletedByInteractionId, ct);
        return TypedResults.Ok((await store.GetAsync(id, ct))!);
    }

    private static Dictionary<string, string[]> Check(string? title, string? notes, string? assignedTo, bool titleRequired)
    {
        var errors = new Dictionary<string, string[]>();
        if ((titleRequired && string.IsNullOrWhiteSpace(title)) || title?.Length > 500) errors["title"] = ["A title of 1 to 500 characters."];
        if (notes?.Length > 20_000) errors["notes"] = ["At most 20,000 characters."];
        if (assignedTo?.Length > 200) errors["assignedTo"] = ["At most 200 characters."];
        return errors;
    }
}
