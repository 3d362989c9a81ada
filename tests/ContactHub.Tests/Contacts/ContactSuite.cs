using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Tests.Conversations;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Contacts;

public abstract class ContactSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Api => App.Client();

    private async Task<JsonNode> Record(object body) => await Api.PostOk("/api/v1/interactions", body, 201);

    private static long Id(JsonNode node, string field) => node[field]!.GetValue<long>();

    [SkippableFact]
    public async Task Screen_pop_returns_the_contact_its_active_conversation_and_its_last_ten_interactions()
    {
        var phone = Customers.Phone();
        JsonNode last = null!;
        for (var i = 0; i < 12; i++)
            last = await Record(new { channel = i % 2 == 0 ? "chat" : "sms", direction = "inbound", customer = new { phone, name = "Lea" }, body = $"m{i}", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-24 + 2 * i) });

        var pop = await Api.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}");

        Assert.Equal(Id(last, "contactId"), Id(pop["contact"]!, "id"));
        Assert.Equal("Lea", pop["contact"]!["name"]!.GetValue<string>());
        Assert.Equal(Id(last, "conversationId"), Id(pop["activeConversation"]!, "id"));
        var recent = pop["recentActivities"]!.AsArray();
        Assert.Equal(10, recent.Count);
        Assert.Equal("m11", recent[0]!["body"]!.GetValue<string>());
    }

    /// <summary>
    /// The screen-pop is one command of seven statements keyed by the identifier: each part is read as it stands, on this node and
    /// on another one sharing the database, right after the write that changed it was acknowledged (no cache to go stale).
    /// </summary>
    [SkippableFact]
    public async Task A_screen_pop_shows_every_change_as_soon_as_it_is_acknowledged_on_either_node()
    {
        var (phone, email) = (Customers.Phone(), $"pop-{Guid.NewGuid():N}@example.com");
        var call = await Record(new { channel = "call", direction = "inbound", customer = new { phone, email, name = "Noor" }, status = "completed" });
        var contactId = Id(call, "contactId");
        await Api.PostOk($"/api/v1/contacts/{contactId}/tags", new { tags = new[] { "VIP" } });
        var task = await Api.PostOk("/api/v1/follow-ups", new { contactId, title = "Call back about the refund" }, 201);

        var sibling = await App.StartSiblingAsync();
        try
        {
            foreach (var node in new[] { Api, sibling.Client("read") })
            {
                var pop = await node.GetOk($"/api/v1/contacts/lookup?email={Uri.EscapeDataString(email)}");
                Assert.Equal(contactId, Id(pop["contact"]!, "id"));
                Assert.Equal(new[] { phone, email }.Order(), pop["contact"]!["identifiers"]!.AsArray().Select(i => i!["value"]!.GetValue<string>()).Order());
                Assert.Equal(["vip"], pop["contact"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
                Assert.Equal(Id(call, "conversationId"), Id(pop["activeConversation"]!, "id"));
                Assert.Equal(Id(call, "interactionId"), Id(pop["recentActivities"]![0]!, "id"));
                Assert.Equal(Id(task, "id"), Id(pop["openFollowUps"]!.AsArray().Single()!, "id"));
            }

            // Written on one node, looked up at once on the other: the new message, and the task done.
            var chat = await Record(new { channel = "chat", direction = "inbound", customer = new { phone }, body = "any news?" });
            await (await Api.PatchAsJsonAsync($"/api/v1/follow-ups/{Id(task, "id")}", new { status = "done" })).Expect(200);
            var after = await sibling.Client("read").GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}");
            Assert.Equal(Id(chat, "interactionId"), Id(after["recentActivities"]![0]!, "id"));
            Assert.Equal("any news?", after["recentActivities"]![0]!["body"]!.GetValue<string>());
            Assert.Empty(after["openFollowUps"]!.AsArray());
        }
        finally
        {
            await sibling.StopAsync();
        }
    }

    [SkippableFact]
    public async Task Looking_up_an_unknown_number_is_404_and_an_invalid_one_is_400_naming_the_field()
    {
        var unknown = await Api.GetAsync($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(Customers.Phone())}");
        var invalid = await Api.GetAsync("/api/v1/contacts/lookup?email=not-an-email");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await invalid.Expect(400))["errors"]!["email"]);
    }

    [SkippableFact]
    public async Task Search_finds_contacts_by_name_prefix_and_by_phone_or_email_prefix()
    {
        var (phone, email) = (Customers.Phone(), Customers.Email());
        var name = "Zoé " + Guid.NewGuid().ToString("N")[..8];
        var created = await Record(new { channel = "email", direction = "inbound", customer = new { phone, email, name } });

        foreach (var q in new[] { name[..7].ToUpperInvariant(), phone[..9], email[..14] })
        {
            var found = await Api.GetOk($"/api/v1/contacts?q={Uri.EscapeDataString(q)}");
            Assert.True(found.AsArray().Any(c => Id(c!, "id") == Id(created, "contactId")), $"{q} → {found.ToJsonString()}");
        }
        var none = await Api.GetOk("/api/v1/contacts?q=%25%25"); // wildcards are searched literally
        Assert.DoesNotContain(none.AsArray(), c => Id(c!, "id") == Id(created, "contactId"));
    }

    [SkippableFact]
    public async Task Search_finds_contacts_as_agents_type_them_any_name_part_without_accents_and_national_numbers()
    {
        var phone = Customers.Phone(); // +336…
        var surname = "Dupont" + new string(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(6).ToArray());
        var created = Id(await Record(new { channel = "sms", direction = "inbound", customer = new { phone, name = $"Zoé Hélène {surname}" } }), "contactId");

        foreach (var q in new[] { "zoe", "ZOE", "helene", surname.ToLowerInvariant()[..9], $"zoe {surname[..8]}", "0" + phone[3..8], phone[..7], "+33 " + phone[3..8] })
        {
            var found = await Api.GetOk($"/api/v1/contacts?q={Uri.EscapeDataString(q)}&limit=100");
            Assert.True(found.AsArray().Any(c => Id(c!, "id") == created), $"'{q}' does not find Zoé Hélène {surname}");
        }
        var elsewhere = await Api.GetOk($"/api/v1/contacts?q={Uri.EscapeDataString("zoe nobodyhere")}");
        Assert.DoesNotContain(elsewhere.AsArray(), c => Id(c!, "id") == created);
    }

    [SkippableFact]
    public async Task Search_results_of_one_name_each_say_how_to_reach_them_by_name_tag_and_attribute_alike()
    {
        // A CRM showing "Zoé Dubois" twice could not tell which to open without reading each.
        var name = "Zoé Dubois" + new string(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(6).ToArray());
        var (phone, email, otherPhone) = (Customers.Phone(), Customers.Email(), Customers.Phone());
        var first = Id(await Record(new { channel = "email", direction = "inbound", customer = new { phone, email, name } }), "contactId");
        var second = Id(await Record(new { channel = "call", direction = "inbound", customer = new { phone = otherPhone, name } }), "contactId");
        var tag = "reach-" + Guid.NewGuid().ToString("N")[..6];
        await Api.PostOk($"/api/v1/contacts/{second}/tags", new { tags = new[] { tag } });

        var found = (await Api.GetOk($"/api/v1/contacts?q={Uri.EscapeDataString(name)}")).AsArray().ToDictionary(c => Id(c!, "id"), c => c!["reach"]!.AsArray().Select(r => r!.GetValue<string>()).ToList());
        Assert.Equal([phone, email], found[first]);
        Assert.Equal([otherPhone], found[second]);
        var tagged = (await Api.GetOk($"/api/v1/contacts?tag={tag}")).AsArray().Single()!;
        Assert.Equal([otherPhone], tagged["reach"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task A_contact_is_renamed_and_its_identifiers_added_and_removed()
    {
        var phone = Customers.Phone();
        var other = await Record(new { channel = "call", direction = "inbound", customer = new { phone = Customers.Phone() } });
        var contactId = Id(await Record(new { channel = "call", direction = "inbound", customer = new { phone } }), "contactId");

        var patched = await (await Api.PatchAsJsonAsync($"/api/v1/contacts/{contactId}", new { name = "Paul Martin", externalId = "crm-42" })).Expect(200);
        var added = await Api.PostOk($"/api/v1/contacts/{contactId}/identifiers", new { kind = "email", value = " Paul@Example.COM " }, 201);
        var taken = await Api.PostAsJsonAsync($"/api/v1/contacts/{Id(other, "contactId")}/identifiers", new { kind = "phone", value = phone });
        var bad = await Api.PostAsJsonAsync($"/api/v1/contacts/{contactId}/identifiers", new { kind = "phone", value = "12" });
        var emailId = Id(added["identifiers"]!.AsArray().Single(i => i!["kind"]!.GetValue<string>() == "email")!, "id");
        var removed = await Api.DeleteAsync($"/api/v1/contacts/{contactId}/identifiers/{emailId}");

        Assert.Equal("Paul Martin", patched["name"]!.GetValue<string>());
        Assert.Equal("crm-42", patched["externalId"]!.GetValue<string>());
        Assert.Contains(added["identifiers"]!.AsArray(), i => i!["value"]!.GetValue<string>() == "paul@example.com");
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.NotNull((await bad.Expect(400))["errors"]!["value"]);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/api/v1/contacts/lookup?email=paul@example.com")).StatusCode);
    }

    [SkippableFact]
    public async Task Timeline_pages_return_every_interaction_exactly_once_newest_first_while_new_ones_arrive()
    {
        var phone = Customers.Phone();
        var start = DateTimeOffset.UtcNow.AddDays(-3);
        var contactId = 0L;
        for (var i = 0; i < 45; i++)
            contactId = Id(await Record(new { channel = (i % 3) switch { 0 => "call", 1 => "sms", _ => "email" }, direction = "inbound", customer = new { phone },
                occurredAt = start.AddMinutes(i / 3) }), "contactId"); // three interactions share each timestamp: the id breaks ties

        var seen = new List<(DateTimeOffset At, long Id)>();
        string? cursor = null;
        var page = 0;
        do
        {
            var url = $"/api/v1/contacts/{contactId}/activities?limit=7" + (cursor is null ? "" : $"&before={cursor}");
            var body = await Api.GetOk(url);
            seen.AddRange(body["items"]!.AsArray().Select(a => (a!["occurredAt"]!.GetValue<DateTimeOffset>(), Id(a, "id"))));
            cursor = body["nextBefore"]?.GetValue<string>();
            // Newer activity lands while the agent scrolls back.
            await Record(new { channel = "chat", direction = "inbound", customer = new { phone }, occurredAt = DateTimeOffset.UtcNow.AddSeconds(-page) });
            page++;
        } while (cursor is not null);

        var firstPage = seen.Take(7).ToList();
        Assert.Equal(45 + 0, seen.Count(s => s.At <= start.AddMinutes(15)));
        Assert.Equal(seen.Count, seen.Select(s => s.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(s => s.At).ThenByDescending(s => s.Id), seen);
        Assert.True(firstPage.Count == 7);
    }

    [SkippableFact]
    public async Task The_timeline_filters_by_channel_and_rejects_a_forged_cursor()
    {
        var phone = Customers.Phone();
        var contactId = Id(await Record(new { channel = "call", direction = "inbound", customer = new { phone } }), "contactId");
        await Record(new { channel = "sms", direction = "outbound", customer = new { phone } });

        var calls = await Api.GetOk($"/api/v1/contacts/{contactId}/activities?channel=call");
        var forged = await Api.GetAsync($"/api/v1/contacts/{contactId}/activities?before=not-a-cursor!");
        var negative = await Api.GetAsync($"/api/v1/contacts/{contactId}/activities?limit=-5");

        Assert.Equal(["call"], calls["items"]!.AsArray().Select(a => a!["channel"]!.GetValue<string>()));
        Assert.NotNull((await forged.Expect(400))["errors"]!["before"]);
        Assert.NotNull((await negative.Expect(400))["errors"]!["limit"]);
    }

    [SkippableFact]
    public async Task Merge_moves_everything_and_undo_returns_every_affected_row_to_its_state()
    {
        var (phoneA, phoneB, email) = (Customers.Phone(), Customers.Phone(), Customers.Email());
        var a = await Record(new { channel = "call", direction = "inbound", customer = new { phone = phoneA, name = "Ines" } });
        var b = await Record(new { channel = "email", direction = "inbound", customer = new { email, phone = phoneB } });
        await Record(new { channel = "chat", direction = "inbound", customer = new { phone = phoneA, email } }); // a duplicate candidate
        await Api.PostOk($"/api/v1/conversations/{Id(b, "conversationId")}/notes", new { body = "prefers email", author = "sam" }, 201);
        var (target, source) = (Id(a, "contactId"), Id(b, "contactId"));
        await SeedFollowUpAndConsents(source, target);

        var before = await Snapshot(target, source);
        var merged = await Api.PostOk($"/api/v1/contacts/{target}/merge", new { sourceContactId = source });
        var afterMerge = await Api.GetOk($"/api/v1/contacts/{target}");
        var redirected = await Api.GetOk($"/api/v1/contacts/{source}");
        var timeline = await Api.GetOk($"/api/v1/contacts/{target}/activities");
        Assert.Equal(HttpStatusCode.NoContent, (await Api.PostAsync($"/api/v1/merges/{Id(merged, "mergeId")}/undo", null)).StatusCode);
        var after = await Snapshot(target, source);

        Assert.Contains(afterMerge["identifiers"]!.AsArray(), i => i!["value"]!.GetValue<string>() == phoneB);
        Assert.Equal(target, Id(redirected, "id"));
        Assert.Equal(source, Id(redirected, "redirectedFrom"));
        Assert.Equal(3, timeline["items"]!.AsArray().Count);
        Assert.Equal(before, after);
        Assert.Equal(HttpStatusCode.Conflict, (await Api.PostAsync($"/api/v1/merges/{Id(merged, "mergeId")}/undo", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Api.PostAsJsonAsync($"/api/v1/contacts/{target}/merge", new { sourceContactId = target })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsJsonAsync($"/api/v1/contacts/{target}/merge", new { sourceContactId = 987654321 })).StatusCode);
    }

    /// <summary>Follow-ups and consents have no API yet in this suite's scope; they are written directly.</summary>
    private async Task SeedFollowUpAndConsents(long source, long target)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        var now = DateTimeOffset.UtcNow;
        await connection.ExecuteAsync("INSERT INTO follow_ups (contact_id, title, status, created_at) VALUES (@source, 'call back', 'open', @now)", new { source, now });
        await connection.ExecuteAsync("INSERT INTO consents (contact_id, channel, status, updated_at) VALUES (@source, 'sms', 'opted_out', @now)", new { source, now });
        await connection.ExecuteAsync("INSERT INTO consents (contact_id, channel, status, updated_at) VALUES (@source, 'email', 'opted_in', @now)", new { source, now });
        await connection.ExecuteAsync("INSERT INTO consents (contact_id, channel, status, updated_at) VALUES (@target, 'email', 'opted_out', @now)", new { target, now });
    }

    /// <summary>Every row of every table a merge touches, for both contacts, as text.</summary>
    private async Task<string> Snapshot(long target, long source)
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        var ids = new { target, source };
        var parts = new List<object>();
        foreach (var sql in new[]
        {
            "SELECT * FROM contacts WHERE id IN (@target, @source) ORDER BY id",
            "SELECT * FROM contact_identifiers WHERE contact_id IN (@target, @source) ORDER BY id",
            "SELECT * FROM conversations WHERE contact_id IN (@target, @source) ORDER BY id",
            "SELECT * FROM interactions WHERE contact_id IN (@target, @source) ORDER BY id",
            "SELECT * FROM conversation_notes WHERE contact_id IN (@target, @source) ORDER BY id",
            "SELECT * FROM follow_ups WHERE contact_id IN (@target, @source) ORDER BY id",
            "SELECT * FROM consents WHERE contact_id IN (@target, @source) ORDER BY id",
            "SELECT * FROM duplicate_candidates WHERE contact_id IN (@target, @source) OR other_contact_id IN (@target, @source) ORDER BY id",
        })
        {
            var rows = (await connection.QueryAsync(sql, ids)).Cast<IDictionary<string, object>>().ToList();
            parts.Add(rows.Select(r => r.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString())));
        }
        Assert.NotEmpty(((IEnumerable<object>)parts[5]).Cast<object>());
        return JsonSerializer.Serialize(parts);
    }
}

public sealed class ContactsOnSqlite(OmnichannelSqliteApp app) : ContactSuite<OmnichannelSqliteApp>(app);

public sealed class ContactsOnPostgres(OmnichannelPostgresApp app) : ContactSuite<OmnichannelPostgresApp>(app);

public sealed class ContactsOnSqlServer(OmnichannelSqlServerApp app) : ContactSuite<OmnichannelSqlServerApp>(app);
