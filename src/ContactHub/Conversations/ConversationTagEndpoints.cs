using ContactHub.Contacts;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Conversations;

public static class ConversationTagEndpoints
{
    public static ApiGroups MapConversationTags(this ApiGroups api)
    {
        var group = api.Under("/conversations/{id:long}/tags", g => g.WithTags("Tags").ProducesProblem(404).ProducesValidationProblem());
        group.Write.MapPost("/", Tag).WithName("TagConversation")
            .WithSummary("Adds tags to a conversation (normalised as contact tags are).").WithRequestExample("""{"tags": ["escalated"]}""");
        group.Write.MapDelete("/{tag}", Untag).WithName("UntagConversation");
        return api;
    }

    private static async Task<Results<Ok<TagEndpoints.TagList>, ProblemHttpResult, ValidationProblem>> Tag(long id, TagEndpoints.TagsRequest request,
        ConversationStore conversations, TagStore tags, CancellationToken ct)
    {
        if (TagEndpoints.Check(request.Tags, out var normal) is { } problem) return problem;
        if (await conversations.GetAsync(id, ct) is null) return Problems.NotFound($"Conversation {id} does not exist.");
        return TypedResults.Ok(new TagEndpoints.TagList(await tags.ChangeAsync(TagTarget.Conversation, id, normal, [], ct)));
    }

    private static async Task<Results<Ok<TagEndpoints.TagList>, ProblemHttpResult>> Untag(long id, string tag, ConversationStore conversations, TagStore tags, CancellationToken ct)
    {
        if (await conversations.GetAsync(id, ct) is null) return Problems.NotFound($"Conversation {id} does not exist.");
        return TypedResults.Ok(new TagEndpoints.TagList(await tags.ChangeAsync(TagTarget.Conversation, id, [], [TagStore.Normalize(tag) ?? tag], ct)));
    }
}
