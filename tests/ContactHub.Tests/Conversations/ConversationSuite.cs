using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Conversations;

public abstract class ConversationSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Api => App.Client();

    private async Task<JsonNode> Record(object body) => await Api.PostOk("/api/v1/interactions", body, 201);

    private static long Id(JsonNode node, string field) => node[field]!.GetValue<long>();

    [SkippableFact]
    public async Task The_active_list_filters_by_agent_and_channel_and_shows_channels_so_far()
    {
        var agent = "agent-" + Guid.NewGuid().ToString("N")[..6];
        var phone = Customers.Phone();
        var mine = await Record(new { channel = "chat", direction = "inbound", customer = new { phone, name = "Rui" }, agent });
        await Record(new { channel = "call", direction = "outbound", customer = new { phone }, agent });
        await Record(new { channel = "sms", direction = "inbound", customer = new { phone = Customers.Phone() }, agent = "someone-else" });

        var list = await Api.GetOk($"/api/v1/conversations?status=active&agent={agent}");
        var withCalls = await Api.GetOk($"/api/v1/conversations?agent={agent}&channel=call");
        var withEmail = await Api.GetOk($"/api/v1/conversations?agent={agent}&channel=email");
        var badChannel = await Api.GetAsync("/api/v1/conversations?channel=pigeon");

        var row = list.AsArray().Single()!;
        Assert.Equal(Id(mine, "conversationId"), Id(row, "id"));
        Assert.Equal("Rui", row["contactName"]!.GetValue<string>());
        Assert.Equal(["chat", "call"], row["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("call", row["currentChannel"]!.GetValue<string>());
        Assert.Single(withCalls.AsArray());
        Assert.Empty(withEmail.AsArray());
        Assert.NotNull((await badChannel.Expect(400))["errors"]!["channel"]);
    }

    [SkippableFact]
    public async Task An_agent_notes_assigns_and_ends_a_conversation_with_a_summary()
    {
        var call = await Record(new { channel = "call", direction = "inbound", customer = new { phone = Customers.Phone() } });
        var id = Id(call, "conversationId");

        var note = await Api.PostOk($"/api/v1/conversations/{id}/notes", new { body = "Wants a window seat", author = "lina" }, 201);
        var assigned = await Api.PostOk($"/api/v1/conversations/{id}/assign", new { agent = "lina" });
        var ended = await Api.PostOk($"/api/v1/conversations/{id}/end", new { summary = "Seat 14A booked" });
        var again = await Api.PostAsJsonAsync($"/api/v1/conversations/{id}/end", new { });
        var detail = await Api.GetOk($"/api/v1/conversations/{id}");
        var active = await Api.GetOk("/api/v1/conversations?agent=lina&limit=500");

        Assert.Equal("Wants a window seat", note["body"]!.GetValue<string>());
        Assert.Equal("lina", assigned["agent"]!.GetValue<string>());
        Assert.Equal("ended", ended["conversation"]!["status"]!.GetValue<string>());
        Assert.Equal("Seat 14A booked", detail["conversation"]!["summary"]!.GetValue<string>());
        Assert.Single(detail["notes"]!.AsArray());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.DoesNotContain(active.AsArray(), c => Id(c!, "id") == id);
    }

    [SkippableFact]
    public async Task Unknown_conversations_and_contacts_answer_404_problem_details()
    {
        foreach (var response in new[]
        {
            await Api.GetAsync("/api/v1/conversations/987654321"),
            await Api.PostAsJsonAsync("/api/v1/conversations/987654321/notes", new { body = "x" }),
            await Api.PostAsJsonAsync("/api/v1/conversations/987654321/assign", new { agent = "x" }),
            await Api.PostAsJsonAsync("/api/v1/conversations/987654321/end", new { }),
            await Api.PostAsJsonAsync("/api/v1/conversations", new { contactId = 987654321 }),
            await Api.GetAsync("/api/v1/contacts/987654321"),
            await Api.GetAsync("/api/v1/contacts/987654321/activities"),
            await Api.PostAsJsonAsync("/api/v1/interactions", new { channel = "sms", direction = "outbound", conversationId = 987654321, body = "hi" }),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [SkippableFact]
    public async Task An_agent_starts_a_conversation_and_later_events_join_it()
    {
        var phone = Customers.Phone();
        var first = await Record(new { channel = "email", direction = "inbound", customer = new { phone }, occurredAt = DateTimeOffset.UtcNow.AddDays(-2) });
        var started = await Api.PostOk("/api/v1/conversations", new { contactId = Id(first, "contactId"), agent = "ana", subject = "Refund" }, 201);
        var call = await Record(new { channel = "call", direction = "outbound", customer = new { phone } });

        Assert.Equal(Id(started, "id"), Id(call, "conversationId"));
        Assert.Equal("ana", started["agent"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_call_logged_with_its_end_but_not_its_start_began_its_duration_before_its_end()
    {
        // A CRM's call log gives the end: the call began its duration before it. Before: 400, "endedAt must not be before occurredAt".
        var end = DateTimeOffset.UtcNow.AddMinutes(-10);
        var logged = await Record(new { channel = "call", direction = "outbound", status = "completed", endedAt = end, durationSeconds = 120, customer = new { phone = Customers.Phone() } });
        var loggedCall = (await Api.GetOk($"/api/v1/conversations/{Id(logged, "conversationId")}"))["interactions"]![0]!;
        Assert.Equal(InteractionValidation.Micro(end.AddSeconds(-120)), loggedCall["occurredAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(InteractionValidation.Micro(end), loggedCall["endedAt"]!.GetValue<DateTimeOffset>());

        // The end alone: the start is not known; it is the end, and no duration is made up.
        var endOnly = await Record(new { channel = "call", direction = "outbound", status = "completed", endedAt = end, customer = new { phone = Customers.Phone() } });
        var endOnlyCall = (await Api.GetOk($"/api/v1/conversations/{Id(endOnly, "conversationId")}"))["interactions"]![0]!;
        Assert.Equal(InteractionValidation.Micro(end), endOnlyCall["occurredAt"]!.GetValue<DateTimeOffset>());
        Assert.Null(endOnlyCall["durationSeconds"]);
    }

    [SkippableFact]
    public async Task Idle_conversations_are_ended_by_the_scheduled_job_at_their_last_activity()
    {
        // Active when recorded (20 minutes ago is within the window); the job then runs as it would 15 minutes later.
        var lastActivity = DateTimeOffset.UtcNow.AddMinutes(-20);
        var idle = await Record(new { channel = "chat", direction = "inbound", customer = new { phone = Customers.Phone() }, occurredAt = lastActivity });
        var fresh = await Record(new { channel = "chat", direction = "inbound", customer = new { phone = Customers.Phone() } });

        var ended = await App.Get<ConversationStore>().EndIdleAsync(DateTimeOffset.UtcNow.AddMinutes(15) - App.Get<Microsoft.Extensions.Options.IOptions<ConversationsOptions>>().Value.InactivityTimeout);

        Assert.True(ended >= 1);
        var idleNow = await Api.GetOk($"/api/v1/conversations/{Id(idle, "conversationId")}");
        var freshNow = await Api.GetOk($"/api/v1/conversations/{Id(fresh, "conversationId")}");
        Assert.Equal("ended", idleNow["conversation"]!["status"]!.GetValue<string>());
        Assert.Equal(InteractionValidation.Micro(lastActivity), idleNow["conversation"]!["endedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("active", freshNow["conversation"]!["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task An_event_older_than_the_inactivity_window_is_recorded_in_an_ended_conversation_that_its_neighbours_join()
    {
        var phone = Customers.Phone();
        var threeDaysAgo = DateTimeOffset.UtcNow.AddDays(-3);
        var first = await Record(new { channel = "chat", direction = "inbound", customer = new { phone }, occurredAt = threeDaysAgo });
        var second = await Record(new { channel = "call", direction = "inbound", customer = new { phone }, occurredAt = threeDaysAgo.AddMinutes(5), durationSeconds = 60, status = "completed" });

        Assert.Equal(Id(first, "conversationId"), Id(second, "conversationId"));
        var conversation = (await Api.GetOk($"/api/v1/conversations/{Id(first, "conversationId")}"))["conversation"]!;
        Assert.Equal("ended", conversation["status"]!.GetValue<string>());
        Assert.Equal(InteractionValidation.Micro(threeDaysAgo.AddMinutes(6)), conversation["endedAt"]!.GetValue<DateTimeOffset>());
        Assert.DoesNotContain((await Api.GetOk("/api/v1/conversations?status=active&limit=200")).AsArray(), c => Id(c!, "id") == Id(first, "conversationId"));

        // Something new from the customer today starts a conversation of today.
        var today = await Record(new { channel = "sms", direction = "inbound", customer = new { phone }, body = "me again" });
        Assert.NotEqual(Id(first, "conversationId"), Id(today, "conversationId"));
    }
}

public sealed class ConversationsOnSqlite(SqliteApp app) : ConversationSuite<SqliteApp>(app);

public sealed class ConversationsOnPostgres(PostgresApp app) : ConversationSuite<PostgresApp>(app);

public sealed class ConversationsOnSqlServer(SqlServerApp app) : ConversationSuite<SqlServerApp>(app);
