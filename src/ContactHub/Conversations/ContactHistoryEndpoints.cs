using ContactHub.Channels;
using ContactHub.Contacts;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Conversations;

/// <summary>The contact's history under /api/v1/contacts: the screen-pop, the timeline and the contact's conversations.</summary>
public static class ContactHistoryEndpoints
{
    public static ApiGroups MapContactHistory(this ApiGroups api)
    {
        var group = api.Under("/contacts", g => g.WithTags("Contacts").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/lookup", Lookup).WithName("LookupContact")
            .WithSummary("Screen-pop: the contact with this phone, email, WhatsApp number or external id, its active conversation and last 10 interactions.");
        group.Read.MapGet("/{id:long}/activities", Activities).WithName("ListContactActivities")
            .WithSummary("The contact's timeline across channels, newest first; pass nextBefore as before for the next page.");
        group.Read.MapGet("/{id:long}/conversations", Conversations).WithName("ListContactConversations")
            .WithSummary("The contact's conversations, latest activity first.");
        return api;
    }

    private static async Task<Results<Ok<ScreenPop>, ProblemHttpResult, ValidationProblem>> Lookup(
        ContactHistory history, IdentifierNormalizer normalizer, AuditLog audit, HttpContext http, CancellationToken ct,
        string? phone = null, string? email = null, string? whatsapp = null, string? externalId = null)
    {
        (string Field, string Kind, string? Value)[] given =
            [("phone", IdentifierKind.Phone, phone), ("whatsapp", IdentifierKind.Phone, whatsapp), ("email", IdentifierKind.Email, email), ("externalId", IdentifierKind.External, externalId)];
        var present = given.Where(g => !string.IsNullOrWhiteSpace(g.Value)).ToList();
        if (present.Count != 1)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = ["Give exactly one of phone, email, whatsapp or externalId."] });
        var (field, kind, value) = present[0];
        if (normalizer.Normalize(kind, value) is not { } identifier)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [normalizer.Refusal(kind, field)] });
        if (await history.LookupAsync(identifier, ct) is not { } pop) return Problems.NotFound($"No contact has this {field}.");
        audit.Write(http, "contact.lookup", "contact", pop.Contact.Id, pop.Contact.Id, details: field);
        return TypedResults.Ok(pop);
    }

    private static async Task<Results<Ok<ActivityPage>, ProblemHttpResult, ValidationProblem>> Activities(
        long id, ContactStore store, ContactHistory history, AuditLog audit, HttpContext http, CancellationToken ct, string? before = null, int? limit = 50, string? channel = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ActivityCursor.TryDecode(before, out var cursor)) errors["before"] = ["Not a cursor returned as nextBefore."];
        if (limit is < 1 or > 200) errors["limit"] = ["Between 1 and 200."];
        if (channel is not null && !Channel.IsKnown(channel)) errors["channel"] = [$"One of {Channel.List(Channel.All)}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await store.GetAsync(id, ct) is not { } contact) return Problems.NotFound($"Contact {id} does not exist.");
        audit.Write(http, "contact.timeline", "contact", contact.Id, contact.Id);
        return TypedResults.Ok(await history.ActivitiesAsync(contact.Id, cursor, limit ?? 50, channel, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<ConversationSummary>>, ProblemHttpResult, ValidationProblem>> Conversations(
        long id, ContactStore store, ContactHistory history, AuditLog audit, HttpContext http, CancellationToken ct, int? limit = 50)
    {
        if (limit is < 1 or > 200) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 200."] });
        if (await store.GetAsync(id, ct) is not { } contact) return Problems.NotFound($"Contact {id} does not exist.");
        audit.Write(http, "contact.conversations", "contact", contact.Id, contact.Id);
        return TypedResults.Ok(await history.ConversationsAsync(contact.Id, limit ?? 50, ct));
    }
}
