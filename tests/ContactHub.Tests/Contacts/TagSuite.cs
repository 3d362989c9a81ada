using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Events;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Contacts;

/// <summary>Tags on contacts and conversations: normalised once, counted, searched by, told as events, exported and erased.</summary>
public abstract class TagSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Api => App.Client();

    private async Task<(long ContactId, long ConversationId)> Contact(string name)
    {
        var recorded = await Api.PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { phone = Customers.Phone(), name } }, 201);
        return (recorded["contactId"]!.GetValue<long>(), recorded["conversationId"]!.GetValue<long>());
    }

    private static IEnumerable<string> Strings(JsonNode? array) => array!.AsArray().Select(t => t!.GetValue<string>());

    [SkippableFact]
    public async Task Tags_are_normalised_once_counted_and_removed_and_a_bad_one_is_named_by_its_place()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (contactId, _) = await Contact("Tagged Tess");
        var tagged = await Api.PostOk($"/api/v1/contacts/{contactId}/tags", new { tags = new[] { $"  VIP customer{suffix} ", $"vip-customer{suffix}", $"Gold{suffix}" } });
        Assert.Equal([$"gold{suffix}", $"vip-customer{suffix}"], Strings(tagged["tags"]));
        Assert.Equal([$"gold{suffix}", $"vip-customer{suffix}"], Strings((await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{contactId}"))!["tags"]));

        var (other, _) = await Contact("Other Olga");
        await Api.PostOk($"/api/v1/contacts/{other}/tags", new { tags = new[] { $"gold{suffix}" } });
        var counts = (await Api.GetFromJsonAsync<JsonNode>("/api/v1/tags?limit=1000"))!.AsArray();
        Assert.Equal(2, counts.Single(c => c!["tag"]!.GetValue<string>() == $"gold{suffix}")!["count"]!.GetValue<long>());

        Assert.Equal([$"vip-customer{suffix}"], Strings((await (await Api.DeleteAsync($"/api/v1/contacts/{contactId}/tags/GOLD{suffix}")).Expect(200))["tags"]));
        var problem = await (await Api.PostAsJsonAsync($"/api/v1/contacts/{contactId}/tags", new { tags = new[] { "fine", "<script>" } })).Expect(400);
        Assert.NotNull(problem["errors"]!["tags[1]"]);
        Assert.NotNull((await (await Api.PostAsJsonAsync($"/api/v1/contacts/{contactId}/tags", new { tags = Array.Empty<string>() })).Expect(400))["errors"]!["tags"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsJsonAsync("/api/v1/contacts/987654321/tags", new { tags = new[] { "x" } })).StatusCode);
    }

    [SkippableFact]
    public async Task The_contact_search_filters_by_tag_alone_or_with_a_name()
    {
        var tag = "segment-" + Guid.NewGuid().ToString("N")[..6];
        var (inSegment, _) = await Contact("Segment Sam");
        var (alsoSam, _) = await Contact("Segment Sam");
        await Api.PostOk($"/api/v1/contacts/{inSegment}/tags", new { tags = new[] { tag } });

        Assert.Equal([inSegment], (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts?tag={tag}"))!.AsArray().Select(c => c!["id"]!.GetValue<long>()));
        var both = (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts?q=segment%20sam&tag={tag}"))!.AsArray().Select(c => c!["id"]!.GetValue<long>()).ToList();
        Assert.Equal([inSegment], both);
        Assert.Contains(alsoSam, (await Api.GetFromJsonAsync<JsonNode>("/api/v1/contacts?q=segment%20sam&limit=100"))!.AsArray().Select(c => c!["id"]!.GetValue<long>()));
        Assert.NotNull((await (await Api.GetAsync("/api/v1/contacts?tag=%3Cx%3E")).Expect(400))["errors"]!["tag"]);
    }

    [SkippableFact]
    public async Task A_merge_gives_the_target_the_sources_tags_and_its_undo_takes_back_exactly_those()
    {
        var (target, _) = await Contact("Merge Target");
        var (source, _) = await Contact("Merge Source");
        await Api.PostOk($"/api/v1/contacts/{target}/tags", new { tags = new[] { "gold", "shared" } });
        await Api.PostOk($"/api/v1/contacts/{source}/tags", new { tags = new[] { "shared", "newsletter" } });

        var merge = await Api.PostOk($"/api/v1/contacts/{target}/merge", new { sourceContactId = source });
        Assert.Equal(["gold", "newsletter", "shared"], Strings((await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{target}"))!["tags"]));
        await Api.PostOk($"/api/v1/merges/{merge["mergeId"]}/undo", new { }, 204);
        Assert.Equal(["gold", "shared"], Strings((await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{target}"))!["tags"]));
        Assert.Equal(["newsletter", "shared"], Strings((await Api.GetFromJsonAsync<JsonNode>($"/api/v1/contacts/{source}"))!["tags"]));
    }

    [SkippableFact]
    public async Task Conversation_tags_and_contact_tags_are_told_exported_and_erased()
    {
        var (contactId, conversationId) = await Contact("Erin Export");
        await Api.PostOk($"/api/v1/contacts/{contactId}/tags", new { tags = new[] { "do-not-call" } });
        await Api.PostOk($"/api/v1/contacts/{contactId}/tags", new { tags = new[] { "do-not-call" } }); // again: no change, no event
        Assert.Equal(["escalated"], Strings((await Api.PostOk($"/api/v1/conversations/{conversationId}/tags", new { tags = new[] { "Escalated" } }))["tags"]));
        Assert.Equal(["escalated"], Strings((await Api.GetFromJsonAsync<JsonNode>($"/api/v1/conversations/{conversationId}"))!["tags"]));

        await App.Get<EventSequencer>().SequenceOnceAsync();
        var events = (await Api.GetFromJsonAsync<JsonNode>($"/api/v1/events?contactId={contactId}&types=contact.updated,conversation.tagged"))!["events"]!.AsArray();
        Assert.Equal(["contact.updated", "conversation.tagged"], events.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(["do-not-call"], Strings(events[0]!["data"]!["tagsAdded"]));
        Assert.Equal(["escalated"], Strings(events[1]!["data"]!["tags"]));

        var export = await App.Client("admin").GetOk($"/api/v1/contacts/{contactId}/export");
        Assert.Equal(["do-not-call"], export["tags"]!.AsArray().Select(t => t!["tag"]!.GetValue<string>()));
        Assert.Equal(["escalated"], export["conversationTags"]!.AsArray().Select(t => t!["tag"]!.GetValue<string>()));

        (await App.Client("admin").DeleteAsync($"/api/v1/contacts/{contactId}")).EnsureSuccessStatusCode();
        await using var connection = await App.Get<Db>().OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contact_tags WHERE contact_id = @contactId", new { contactId }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM conversation_tags WHERE conversation_id = @conversationId", new { conversationId }));
    }
}

public sealed class TagsOnSqlite(SqliteApp app) : TagSuite<SqliteApp>(app);

public sealed class TagsOnPostgres(PostgresApp app) : TagSuite<PostgresApp>(app);
