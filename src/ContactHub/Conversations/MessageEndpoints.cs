using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ContactHub.Conversations;

public static class MessageEndpoints
{
    public static ApiGroups MapConversationMessages(this ApiGroups api)
    {
        api.Write.MapPost("/conversations/{id:long}/messages", Send).WithTags("Conversations").WithName("SendConversationMessage")
            .WithSummary("Queues an email, SMS or WhatsApp to the conversation's customer (202); it is sent by the outbox and recorded in the conversation.")
            .WithDescription("`to` defaults to the contact's address for the channel. A template renders {{ contact }}, {{ conversation }} and your `data`. " +
                "Send an Idempotency-Key header to make a retried request safe. Marketing messages (purpose=marketing) respect opt-outs; " +
                "transactional ones (the default) answer what the customer asked for in this conversation.")
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024 * 1024))
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(422).ProducesValidationProblem()
            .WithRequestExample("""
                {"channel": "email", "template": "booking-update", "agent": "maria",
                 "data": {"booking": {"reference": "ZX81QF", "flight": "AF 1234 Paris → Lisbon", "departure": "Fri 27 Nov 09:40", "seat": "14A"}}}
                """);
        return api;
    }

    private static async Task<Results<Accepted<QueuedMessage>, ProblemHttpResult, ValidationProblem>> Send(
        long id, SendMessageRequest request, ConversationMessenger messenger, System.Security.Claims.ClaimsPrincipal user,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct)
    {
        // An agent signed in with their own identity sends as themselves unless they say otherwise.
        request = request with { Agent = request.Agent ?? JwtScopes.AgentOf(user) };
        return ToResult(await messenger.SendAsync(id, request, summary: false, idempotencyKey, ct), id);
    }

    public static Results<Accepted<QueuedMessage>, ProblemHttpResult, ValidationProblem> ToResult(MessageResult result, long conversationId) => result.Outcome switch
    {
        MessageOutcome.Queued => TypedResults.Accepted($"/api/v1/conversations/{conversationId}", result.Queued!),
        MessageOutcome.NotFound => Problems.NotFound(result.Detail!),
        MessageOutcome.Ended => TypedResults.Problem(result.Detail, statusCode: 409, title: "Conversation ended"),
        MessageOutcome.Invalid => TypedResults.ValidationProblem(result.Errors!),
        // 422: the request is well-formed but cannot be honoured (no address, opted out, template variable missing).
        _ => TypedResults.Problem(new HttpValidationProblemDetails(result.Errors!) { Status = 422, Title = "The message cannot be sent", Detail = result.Detail }),
    };
}
