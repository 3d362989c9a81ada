using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json.Serialization;
using ContactHub.Channels;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ContactHub.Conversations;

public static class ConversationEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record StartConversationRequest(long? ContactId, string? Agent = null, string? Subject = null);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record NoteRequest(string? Body, string? Author = null);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record AssignRequest(string? Agent);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record EndRequest(
        [property: Description("What was agreed; kept on the conversation.")] string? Summary = null,
        [property: Description("Also send the summary to the customer (e.g. by SMS) before the conversation ends.")] SummaryMessage? SendSummary = null,
        [property: Description("Wrap-up codes (GET /api/v1/wrap-up-codes); required for the channels in Conversations:RequireWrapUpFor.")] IReadOnlyList<string>? WrapUpCodes = null);

    public sealed record SummaryMessage(string? Channel, string? Template = null, string? Body = null, string? To = null);

    public sealed record EndedConversation(ConversationSummary Conversation, QueuedMessage? SummaryMessage, IReadOnlyList<AppliedWrapUp> WrapUps);

    public static ApiGroups MapConversations(this ApiGroups api)
    {
        var group = api.Under("/conversations", g => g.WithTags("Conversations").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/", List).WithName("ListConversations")
            .WithSummary("The active conversations list (status=active by default), filtered by agent and channel, latest activity first.");
        group.Read.MapGet("/{id:long}", Get).WithName("GetConversation")
            .WithSummary("The selected conversation's documents: every interaction across channels in order, and its notes.");
        group.Write.MapPost("/", Start).WithName("StartConversation")
            .WithSummary("Starts a conversation with a known contact.")
            .WithRequestExample("""{"contactId": 42, "agent": "maria", "subject": "Flight change"}""");
        group.Write.MapPost("/{id:long}/notes", AddNote).WithName("AddConversationNote")
            .WithSummary("Adds an agent's note to the conversation.")
            .WithRequestExample("""{"body": "Prefers an aisle seat", "author": "maria"}""");
        group.Write.MapPost("/{id:long}/assign", Assign).WithName("AssignConversation")
            .WithSummary("Assigns the conversation to an agent.");
        group.Write.MapPost("/{id:long}/end", End).WithName("EndConversation")
            .WithSummary("Ends the conversation, with an optional summary; it stays under the contact's activities.")
            .WithRequestExample("""{"summary": "Flight moved to Friday 09:40, no fee.", "sendSummary": {"channel": "sms", "template": "conversation-summary"}}""");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<ConversationSummary>>, ValidationProblem>> List(
        ConversationStore store, CancellationToken ct, string? status = "active", string? agent = null, string? channel = null, int? limit = 100)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not ("active" or "ended")) errors["status"] = ["active or ended."];
        if (channel is not null && !Channel.IsKnown(channel)) errors["channel"] = [$"One of {Channel.List(Channel.All)}."];
        if (limit is < 1 or > 500) errors["limit"] = ["Between 1 and 500."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await store.ListAsync(status!, string.IsNullOrWhiteSpace(agent) ? null : agent.Trim(), channel, limit ?? 100, ct));
    }

    private static async Task<Results<Ok<ConversationDetail>, ProblemHttpResult>> Get(long id, ConversationStore store, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (await store.GetDetailAsync(id, ct) is not { } detail) return Problems.NotFound($"Conversation {id} does not exist.");
        audit.Write(http, "conversation.read", "conversation", id, detail.Conversation.ContactId);
        return TypedResults.Ok(detail);
    }

    private static async Task<Results<Created<ConversationSummary>, ProblemHttpResult, ValidationProblem>> Start(
        StartConversationRequest request, ConversationStore store, CancellationToken ct)
    {
        if (request.ContactId is not > 0) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contactId"] = ["A contact id is required."] });
        if (request.Agent?.Length > 200 || request.Subject?.Length > 1000)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [request.Agent?.Length > 200 ? "agent" : "subject"] = ["Too long."] });
        var id = await store.StartAsync(request.ContactId.Value, request.Agent?.Trim(), request.Subject, ct);
        if (id is null) return Problems.NotFound($"Contact {request.ContactId} does not exist.");
        return TypedResults.Created($"/api/v1/conversations/{id}", (await store.GetAsync(id.Value, ct))!);
    }

    private static async Task<Results<Created<Note>, ProblemHttpResult, ValidationProblem>> AddNote(long id, NoteRequest request, ConversationStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Body) || request.Body.Length > 20_000)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A note of 1 to 20,000 characters is required."] });
        if (request.Author?.Length > 200) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["author"] = ["At most 200 characters."] });
        var note = await store.AddNoteAsync(id, request.Author?.Trim(), request.Body, ct);
        return note is null ? Problems.NotFound($"Conversation {id} does not exist.") : TypedResults.Created($"/api/v1/conversations/{id}", note);
    }

    private static async Task<Results<Ok<ConversationSummary>, ProblemHttpResult, ValidationProblem>> Assign(long id, AssignRequest request, ConversationStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Agent) || request.Agent.Length > 200)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["agent"] = ["An agent of 1 to 200 characters is required."] });
        return await store.AssignAsync(id, request.Agent.Trim(), ct) ? TypedResults.Ok((await store.GetAsync(id, ct))!) : Problems.NotFound($"Conversation {id} does not exist.");
    }

    private static async Task<Results<Ok<EndedConversation>, ProblemHttpResult, ValidationProblem>> End(
        long id, ConversationStore store, ConversationMessenger messenger, WrapUpCodeStore wrapUps, IOptions<ConversationsOptions> options, ClaimsPrincipal user,
        CancellationToken ct, EndRequest? request = null)
    {
        if (request?.Summary?.Length > 20_000) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["summary"] = ["At most 20,000 characters."] });
        var codes = request?.WrapUpCodes ?? [];
        if (await WrapUpCodeEndpoints.CheckCodes(codes, "wrapUpCodes", wrapUps, ct) is { } badCodes) return badCodes;
        if (await store.GetAsync(id, ct) is not { } conversation) return Problems.NotFound($"Conversation {id} does not exist.");
        if (conversation.Status != "active") return TypedResults.Problem($"Conversation {id} has already ended.", statusCode: 409, title: "Conversation already ended");
        if (codes.Count == 0 && options.Value.RequireWrapUpFor.Intersect(conversation.Channels).ToList() is { Count: > 0 } requiring
            && (await wrapUps.AppliedAsync([id], ct)).Count == 0)
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["wrapUpCodes"] = [$"A wrap-up code is required to end a conversation on {string.Join(", ", requiring)} (GET /api/v1/wrap-up-codes lists them)."],
            }) { Status = 422, Title = "A wrap-up code is required" });

        // The summary is queued first: if it cannot be sent (no phone, opted out…), the conversation stays open and nothing is lost.
        QueuedMessage? queued = null;
        if (request?.SendSummary is { } send)
        {
            var message = new SendMessageRequest(send.Channel, send.To, null, send.Body ?? (send.Template is null ? request.Summary : null), send.Template);
            var result = await messenger.SendAsync(id, message, summary: true, idempotencyKey: $"summary:{id}", ct, summaryText: request.Summary);
            if (result.Outcome != MessageOutcome.Queued)
                return MessageEndpoints.ToResult(result, id).Result switch
                {
                    ProblemHttpResult { ProblemDetails: HttpValidationProblemDetails refused } => TypedResults.Problem(new HttpValidationProblemDetails(Prefixed(refused.Errors))
                        { Status = refused.Status, Title = refused.Title, Detail = refused.Detail }),
                    ProblemHttpResult p => p,
                    ValidationProblem v => TypedResults.ValidationProblem(Prefixed(v.ProblemDetails.Errors)),
                    _ => throw new InvalidOperationException("unexpected outcome"),
                };
            queued = result.Queued;
        }
        if (!await store.EndAsync(id, request?.Summary, ct, codes, user.Identity?.Name))
            return TypedResults.Problem($"Conversation {id} ended meanwhile, or one of its codes was retired meanwhile.", statusCode: 409, title: "Conversation not ended");
        return TypedResults.Ok(new EndedConversation((await store.GetAsync(id, ct))!, queued, await wrapUps.AppliedAsync([id], ct)));
    }

    /// <summary>Errors about the summary message are reported under sendSummary.* (refused as invalid, 400, or as not sendable, 422).</summary>
    private static Dictionary<string, string[]> Prefixed(IDictionary<string, string[]> errors) => errors.ToDictionary(e => "sendSummary." + e.Key, e => e.Value);

}
