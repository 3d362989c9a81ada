using System.Text.Json.Serialization;
using ContactHub.Channels;
using ContactHub.Contacts;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Contacts;

public static class ConsentEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record SetConsentRequest(string? Status, string? Source = null);

    public static ApiGroups MapConsents(this ApiGroups api)
    {
        var group = api.Under("/contacts/{id:long}/consents", g => g.WithTags("Contacts").ProducesProblem(404));
        group.Read.MapGet("/", List).WithName("ListContactConsents")
            .WithSummary("The contact's consent per channel (opted_in / opted_out); no row means no objection recorded.");
        group.Write.MapPut("/{channel}", Set).WithName("SetContactConsent")
            .WithSummary("Records consent given or withdrawn outside a keyword (e.g. said on a call).")
            .WithRequestExample("""{"status": "opted_out", "source": "agent:maria"}""");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<Consent>>, ProblemHttpResult>> List(long id, ContactStore contacts, ConsentStore consents, CancellationToken ct) =>
        await contacts.GetAsync(id, ct) is { } contact
            ? TypedResults.Ok(await consents.ListAsync(contact.Id, ct))
            : Problems.NotFound($"Contact {id} does not exist.");

    private static async Task<Results<Ok<IReadOnlyList<Consent>>, ProblemHttpResult, ValidationProblem>> Set(
        long id, string channel, SetConsentRequest request, ContactStore contacts, ConsentStore consents, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Channel.IsKnown(channel)) errors["channel"] = [$"One of {Channel.List(Channel.All)}."];
        if (request.Status is not (ConsentStatus.OptedIn or ConsentStatus.OptedOut)) errors["status"] = ["opted_in or opted_out."];
        if (request.Source?.Length > 100) errors["source"] = ["At most 100 characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await contacts.GetAsync(id, ct) is not { } contact) return Problems.NotFound($"Contact {id} does not exist.");
        await consents.SetAsync(contact.Id, channel, request.Status!, request.Source ?? "api", ct);
        audit.Write(http, "consent.set", "contact", contact.Id, contact.Id, details: $"{channel} {request.Status}");
        return TypedResults.Ok(await consents.ListAsync(contact.Id, ct));
    }
}
