using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Conversations;

/// <summary>The seed's stories and DESIGN §5's rules, end to end through HTTP, on every engine.</summary>
public abstract class OmnichannelSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    private HttpClient Api => App.Client();

    private Task<JsonNode> Record(object body, int expected = 201) => Api.PostOk("/api/v1/interactions", body, expected);

    private static long Id(JsonNode node, string field) => node[field]!.GetValue<long>();

    [SkippableFact]
    public async Task Chat_then_call_then_sms_summary_is_one_conversation_under_one_contact()
    {
        var phone = Customers.Phone();
        var start = DateTimeOffset.UtcNow.AddMinutes(-20);

        var chat = await Record(new { channel = "chat", direction = "inbound", occurredAt = start, customer = new { phone, name = "Ana Lima" }, body = "My booking needs changing" });
        var call = await Record(new { channel = "call", direction = "outbound", occurredAt = start.AddMinutes(5), durationSeconds = 300, customer = new { phone }, agent = "maria" });
        var sms = await Record(new { channel = "sms", direction = "outbound", occurredAt = start.AddMinutes(11), customer = new { phone }, body = "Summary: flight moved to Friday" });

        Assert.True(chat["contactCreated"]!.GetValue<bool>());
        Assert.True(chat["conversationCreated"]!.GetValue<bool>());
        Assert.False(call["conversationCreated"]!.GetValue<bool>());
        Assert.All(new[] { call, sms }, r => Assert.Equal(Id(chat, "contactId"), Id(r, "contactId")));
        Assert.All(new[] { call, sms }, r => Assert.Equal(Id(chat, "conversationId"), Id(r, "conversationId")));

        var conversation = await Api.GetOk($"/api/v1/conversations/{Id(chat, "conversationId")}");
        Assert.Equal(["chat", "call", "sms"], conversation["conversation"]!["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("sms", conversation["conversation"]!["currentChannel"]!.GetValue<string>());
        Assert.Equal("Ana Lima", conversation["conversation"]!["contactName"]!.GetValue<string>());
        Assert.Equal(["chat", "call", "sms"], conversation["interactions"]!.AsArray().Select(i => i!["channel"]!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task A_call_where_the_agent_emails_the_booking_update_is_one_conversation()
    {
        var (phone, email) = (Customers.Phone(), Customers.Email());
        var call = await Record(new { channel = "call", direction = "inbound", customer = new { phone }, agent = "tom", provider = "twilio", providerRef = Customers.Ref(), status = "in-progress" });
        var mail = await Record(new
        {
            channel = "email", direction = "outbound", conversationId = Id(call, "conversationId"), customer = new { email },
            subject = "Your updated booking", body = "Flight AF123 now leaves at 09:40.", agent = "tom",
        });

        Assert.Equal(Id(call, "conversationId"), Id(mail, "conversationId"));
        Assert.Equal(Id(call, "contactId"), Id(mail, "contactId"));
        var contact = await Api.GetOk($"/api/v1/contacts/{Id(call, "contactId")}");
        Assert.Contains(contact["identifiers"]!.AsArray(), i => i!["value"]!.GetValue<string>() == email);
        var detail = await Api.GetOk($"/api/v1/conversations/{Id(call, "conversationId")}");
        var emailed = detail["interactions"]!.AsArray().Single(i => i!["channel"]!.GetValue<string>() == "email")!;
        Assert.Equal("outbound", emailed["direction"]!.GetValue<string>());
        Assert.Equal("Your updated booking", emailed["subject"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_call_that_switches_to_sms_stays_one_conversation()
    {
        var phone = Customers.Phone();
        var call = await Record(new { channel = "call", direction = "inbound", customer = new { phone }, durationSeconds = 95, status = "completed" });
        var reply = await Record(new { channel = "sms", direction = "inbound", customer = new { phone = phone.Replace("+33", "0") }, body = "can't talk, texting" }); // national form, FR region below
        var answer = await Record(new { channel = "sms", direction = "outbound", customer = new { phone }, body = "No problem, go on here" });

        Assert.Equal(Id(call, "conversationId"), Id(answer, "conversationId"));
        Assert.Equal(Id(call, "conversationId"), Id(reply, "conversationId"));
    }

    [SkippableFact]
    public async Task The_same_number_by_phone_today_and_by_whatsapp_next_week_is_one_contact_with_two_conversations()
    {
        var phone = Customers.Phone();
        var today = DateTimeOffset.UtcNow.AddDays(-7);
        var call = await Record(new { channel = "call", direction = "inbound", occurredAt = today, customer = new { phone } });
        var whatsapp = await Record(new { channel = "whatsapp", direction = "inbound", customer = new { whatsapp = "whatsapp:" + phone }, body = "hello again" });

        Assert.Equal(Id(call, "contactId"), Id(whatsapp, "contactId"));
        Assert.NotEqual(Id(call, "conversationId"), Id(whatsapp, "conversationId"));
        var conversations = await Api.GetOk($"/api/v1/contacts/{Id(call, "contactId")}/conversations");
        Assert.Equal(2, conversations.AsArray().Count);
    }

    [SkippableFact]
    public async Task Email_and_phone_become_one_contact_once_an_interaction_carries_both()
    {
        var (phone, email) = (Customers.Phone(), Customers.Email());
        var byEmail = await Record(new { channel = "email", direction = "inbound", customer = new { email = "  " + email.ToUpperInvariant() + " " }, subject = "Booking" });
        var both = await Record(new { channel = "chat", direction = "inbound", customer = new { email, phone } });
        var byPhone = await Record(new { channel = "call", direction = "inbound", customer = new { phone } });

        Assert.Equal(Id(byEmail, "contactId"), Id(both, "contactId"));
        Assert.Equal(Id(byEmail, "contactId"), Id(byPhone, "contactId"));
        var pop = await Api.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}");
        Assert.Equal(Id(byEmail, "contactId"), Id(pop["contact"]!, "id"));
    }

    [SkippableFact]
    public async Task Two_known_contacts_in_one_event_are_never_merged_automatically()
    {
        var (phone, email) = (Customers.Phone(), Customers.Email());
        var phoneContact = await Record(new { channel = "call", direction = "inbound", customer = new { phone } });
        var emailContact = await Record(new { channel = "email", direction = "inbound", customer = new { email } });
        var both = await Record(new { channel = "chat", direction = "inbound", customer = new { phone, email } });

        Assert.NotEqual(Id(phoneContact, "contactId"), Id(emailContact, "contactId"));
        Assert.Equal(Id(emailContact, "contactId"), Id(both, "contactId")); // email outranks phone
        var duplicates = await Api.GetOk("/api/v1/contacts/duplicates?limit=500");
        var pair = new[] { Id(phoneContact, "contactId"), Id(emailContact, "contactId") }.Order().ToArray();
        Assert.Contains(duplicates.AsArray(), d => Id(d!, "contactId") == pair[0] && Id(d!, "otherContactId") == pair[1]);
    }

    [SkippableFact]
    public async Task A_repeated_provider_ref_returns_the_first_result_and_updates_the_status()
    {
        var (phone, sid) = (Customers.Phone(), Customers.Ref());
        var ringing = await Record(new { channel = "call", direction = "inbound", customer = new { phone }, provider = "twilio", providerRef = sid, status = "ringing" });
        var again = await Record(new { channel = "call", direction = "inbound", customer = new { phone }, provider = "twilio", providerRef = sid, status = "ringing" }, 200);
        var done = await Record(new { channel = "call", direction = "inbound", customer = new { phone }, provider = "twilio", providerRef = sid, status = "completed", durationSeconds = 42 }, 200);

        Assert.Equal(ringing.ToJsonString().Replace("true", "false"), again.ToJsonString());
        Assert.Equal(Id(ringing, "interactionId"), Id(done, "interactionId"));
        var detail = await Api.GetOk($"/api/v1/conversations/{Id(ringing, "conversationId")}");
        var call = detail["interactions"]!.AsArray().Single()!;
        Assert.Equal("completed", call["status"]!.GetValue<string>());
        Assert.Equal(42, call["durationSeconds"]!.GetValue<long>());
    }

    [SkippableFact]
    public async Task Sixty_four_concurrent_first_contacts_for_one_new_number_create_exactly_one_contact()
    {
        var phone = Customers.Phone();
        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            Api.PostAsJsonAsync("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone }, body = $"message {i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var contactIds = (await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()))).Select(j => Id(j, "contactId")).Distinct().ToList();
        Assert.Single(contactIds);
        await using var connection = await App.Get<Db>().OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contact_identifiers WHERE value = @phone", new { phone }));
        Assert.Equal(64, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE contact_id = @id", new { id = contactIds[0] }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM conversations WHERE contact_id = @id", new { id = contactIds[0] }));
    }

    [SkippableFact]
    public async Task Sixty_four_concurrent_repeats_of_one_provider_ref_create_exactly_one_interaction()
    {
        var (phone, sid) = (Customers.Phone(), Customers.Ref());
        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ =>
            Api.PostAsJsonAsync("/api/v1/interactions", new { channel = "whatsapp", direction = "inbound", customer = new { whatsapp = phone }, provider = "twilio", providerRef = sid })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(63, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var ids = (await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()))).Select(j => Id(j, "interactionId")).Distinct();
        Assert.Single(ids);
        await using var connection = await App.Get<Db>().OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE provider_ref = @sid", new { sid }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contact_identifiers WHERE value = @phone", new { phone }));
    }

    [SkippableFact]
    public async Task A_batch_records_each_item_and_reports_each_result()
    {
        var (phone, sid) = (Customers.Phone(), Customers.Ref());
        var result = await Api.PostOk("/api/v1/interactions/batch", new
        {
            items = new object[]
            {
                new { channel = "sms", direction = "inbound", customer = new { phone }, provider = "twilio", providerRef = sid },
                new { channel = "fax", direction = "inbound", customer = new { phone } },
                new { channel = "sms", direction = "inbound", customer = new { phone }, provider = "twilio", providerRef = sid },
            },
        });

        Assert.Equal([201, 400, 200], result["results"]!.AsArray().Select(r => r!["status"]!.GetValue<int>()));
        // A channel given but unknown is said so, not called missing.
        Assert.StartsWith("Not a channel; one of", result["results"]![1]!["errors"]!["channel"]![0]!.GetValue<string>());
        Assert.Equal((1, 1, 1), (result["recorded"]!.GetValue<int>(), result["repeated"]!.GetValue<int>(), result["failed"]!.GetValue<int>()));
    }
}

public sealed class OmnichannelOnSqlite(OmnichannelSqliteApp app) : OmnichannelSuite<OmnichannelSqliteApp>(app);

public sealed class OmnichannelOnPostgres(OmnichannelPostgresApp app) : OmnichannelSuite<OmnichannelPostgresApp>(app);

public sealed class OmnichannelOnSqlServer(OmnichannelSqlServerApp app) : OmnichannelSuite<OmnichannelSqlServerApp>(app);

/// <summary>Phones written without a country code are read as French in these suites.</summary>
public sealed class OmnichannelSqliteApp() : ContactHubApp(DatabaseProvider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Contacts:DefaultRegion", "FR")];
}

public sealed class OmnichannelPostgresApp() : ContactHubApp(DatabaseProvider.Postgres)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Contacts:DefaultRegion", "FR")];
}

public sealed class OmnichannelSqlServerApp() : ContactHubApp(DatabaseProvider.SqlServer)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Contacts:DefaultRegion", "FR")];
}
