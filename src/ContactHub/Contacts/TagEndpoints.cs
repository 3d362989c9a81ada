using System.Text.Json.Serialization;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Contacts;

public static class TagEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record TagsRequest(IReadOnlyList<string>? Tags);

    public sealed record TagList(IReadOnlyList<string> Tags);

    public static ApiGroups MapTags(this ApiGroups api)
    {
        var tags = api.Under("/tags", g => g.WithTags("Tags").ProducesValidationProblem());
        tags.Read.MapGet("/", Counts).WithName("ListTags").WithSummary("The tags in use on contacts (on=conversations: on conversations), most used first, with their counts.");

        var contacts = api.Under("/contacts/{id:long}/tags", g => g.WithTags("Tags").ProducesProblem(404).ProducesValidationProblem());
        contacts.Write.MapPost("/", Add).WithName("TagContact").WithSummary("Adds tags to a contact (normalised: \"VIP customer\" is vip-customer).")
            .WithRequestExample("""{"tags": ["vip", "do-not-call"]}""");
        contacts.Write.MapDelete("/{tag}", Remove).WithName("UntagContact");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<TagCount>>, ValidationProblem>> Counts(TagStore store, CancellationToken ct, string on = "contacts", int limit = 200)
    {
        var errors = new Dictionary<string, string[]>();
        if (on is not ("contacts" or "conversations")) errors["on"] = ["contacts or conversations."];
        if (limit is < 1 or > 1000) errors["limit"] = ["Between 1 and 1000."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await store.CountsAsync(on == "contacts" ? TagTarget.Contact : TagTarget.Conversation, limit, ct));
    }

    private static async Task<Results<Ok<TagList>, ProblemHttpResult, ValidationProblem>> Add(long id, TagsRequest request, ContactStore contacts, TagStore store, CancellationToken ct)
    {
        if (Check(request.Tags, out var tags) is { } problem) return problem;
        if (await contacts.GetAsync(id, ct) is not { } contact) return Problems.NotFound($"Contact {id} does not exist.");
        return TypedResults.Ok(new TagList(await store.ChangeAsync(TagTarget.Contact, contact.Id, tags, [], ct)));
    }

    private static async Task<Results<Ok<TagList>, ProblemHttpResult>> Remove(long id, string tag, ContactStore contacts, TagStore store, CancellationToken ct)
    {
        if (await contacts.GetAsync(id, ct) is not { } contact) return Problems.NotFound($"Contact {id} does not exist.");
        return TypedResults.Ok(new TagList(await store.ChangeAsync(TagTarget.Contact, contact.Id, [], [TagStore.Normalize(tag) ?? tag], ct)));
    }

    /// <summary>The normalised tags, or a problem naming each one that cannot be a tag by its place (tags[1]).</summary>
    public static ValidationProblem? Check(IReadOnlyList<string>? given, out IReadOnlyList<string> tags)
    {
        tags = [];
        if (given is not { Count: > 0 } || given.Count > 50)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["tags"] = ["1 to 50 tags."] });
        var normal = given.Select(TagStore.Normalize).ToList();
        var errors = normal.Select((t, i) => (t, i)).Where(x => x.t is null)
            .ToDictionary(x => $"tags[{x.i}]", _ => new[] { $"Up to {TagStore.MaxLength} letters, digits, '-', '_' or ':' (spaces become '-')." });
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        tags = normal.Select(t => t!).Distinct().ToList();
        return null;
    }
}
