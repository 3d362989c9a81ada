using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Conversations;

/// <summary>Bad input gets a ProblemDetails naming the field at fault, never a 500, and nothing is logged as an error.</summary>
public sealed class BadInputTests(KestrelSqliteApp app) : IClassFixture<KestrelSqliteApp>
{
    private HttpClient Api => app.Client();

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{"channel":"fax","direction":"inbound","customer":{"phone":"+33612345678"}}""", "channel" },
        { """{"channel":"sms","direction":"sideways","customer":{"phone":"+33612345678"}}""", "direction" },
        { """{"channel":"sms","direction":"inbound"}""", "customer" },
        { """{"channel":"sms","direction":"inbound","customer":{}}""", "customer" },
        { """{"channel":"sms","direction":"inbound","customer":{"phone":"12"}}""", "customer.phone" },
        { """{"channel":"sms","direction":"inbound","customer":{"email":"not@valid"}}""", "customer.email" },
        { """{"channel":"sms","direction":"inbound","customer":{"whatsapp":"whatsapp:+1"}}""", "customer.whatsapp" },
        { """{"channel":"sms","direction":"inbound","customer":{"handle":{"value":"x"}}}""", "customer.handle" },
        { """{"channel":5,"direction":"inbound","customer":{"phone":"+33612345678"}}""", "channel" },
        { """{"channel":"sms","direction":"inbound","customer":"+33612345678"}""", "customer" },
        { """{"channel":"sms","direction":"inbound","customer":{"phone":"+33612345678"},"durationSeconds":"long"}""", "durationSeconds" },
        { """{"channel":"sms","direction":"inbound","customer":{"phone":"+33612345678"},"durationSeconds":-1}""", "durationSeconds" },
        { """{"channel":"sms","direction":"inbound","customer":{"phone":"+33612345678"},"occurredAt":"yesterday"}""", "occurredAt" },
        // Without its offset a time would be read in the zone of the machine the service runs on.
        { """{"channel":"sms","direction":"inbound","customer":{"phone":"+33612345678"},"occurredAt":"2026-11-29T09:00:00"}""", "occurredAt" },
        { """{"channel":"call","direction":"inbound","customer":{"phone":"+33612345678"},"occurredAt":"2026-11-29T09:00:00Z","endedAt":"2026-11-29 09:05"}""", "endedAt" },
        { """{"channel":"call","direction":"inbound","customer":{"phone":"+33612345678"},"occurredAt":"2026-01-02T10:00:00Z","endedAt":"2026-01-01T10:00:00Z"}""", "endedAt" },
        { """{"channel":"sms","direction":"inbound","customer":{"phone":"+33612345678"},"conversationId":"abc"}""", "conversationId" },
        { """{"channel":"sms","direction":"inbound","customer":{"phone":"+33612345678"},"metadata":[1,2]}""", "metadata" },
        { """{"channel":"sms","direction":"inbound","customer":{"phone":"+33612345678"},"providerRef":"REPEAT"}""".Replace("REPEAT", new string('r', 201)), "providerRef" },
        { """[1,2,3]""", "$" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_interaction_is_a_400_naming_the_field(string json, string field)
    {
        var response = await Api.PostAsync("/api/v1/interactions", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.Expect(400);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem["errors"]?[field] is not null, $"expected an error for '{field}': {problem.ToJsonString()}");
        Assert.Empty(app.Logs.Errors);
    }

    [Theory]
    [InlineData("{\"channel\":")]
    [InlineData("")]
    [InlineData("null")]
    public async Task Unreadable_json_is_a_400_problem(string json)
    {
        var response = await Api.PostAsync("/api/v1/interactions", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.Expect(400);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(app.Logs.Errors);
    }

    [Fact]
    public async Task A_time_without_its_offset_is_refused_in_every_body_that_takes_one_and_the_error_says_why()
    {
        // It was read in the zone of the machine the service runs on: 09:00 was 14:00 UTC on a server in New York.
        static string Offset(JsonNode problem, string field) => problem["errors"]![field]![0]!.GetValue<string>();
        var interaction = await (await Api.PostAsync("/api/v1/interactions", new StringContent(
            """{"channel":"sms","direction":"inbound","customer":{"phone":"+33612345678"},"occurredAt":"2026-11-29T09:00:00"}""", Encoding.UTF8, "application/json"))).Expect(400);
        Assert.Contains("with its offset", Offset(interaction, "occurredAt"));

        var batch = await (await Api.PostAsJsonAsync("/api/v1/interactions/batch", new { items = new[] { new { channel = "sms", direction = "inbound",
            customer = new { phone = Customers.Phone() }, occurredAt = "2026-11-29 09:00" } } })).Expect(400);
        Assert.Contains("with its offset", Offset(batch, "items[0].occurredAt"));

        var contactId = (await Api.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone = Customers.Phone() } }, 201))["contactId"]!.GetValue<long>();
        var followUp = await (await Api.PostAsJsonAsync("/api/v1/follow-ups", new { contactId, title = "Call back", dueAt = "2026-11-30T09:00" })).Expect(400);
        Assert.Contains("with its offset", Offset(followUp, "dueAt"));
        var campaign = await (await Api.PostAsJsonAsync("/api/v1/campaigns", new { name = "Missed calls", trigger = "missed-call-not-returned", channel = "sms", body = "Sorry we missed you",
            startsAt = "2026-12-01T08:00:00" })).Expect(400);
        Assert.Contains("with its offset", Offset(campaign, "startsAt"));

        // With it, the instant is the one given, whatever the machine's zone.
        var recorded = await Api.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone = Customers.Phone() }, occurredAt = "2026-11-29T09:00:00+01:00" }, 201);
        var activity = (await Api.GetOk($"/api/v1/contacts/{recorded["contactId"]}/activities"))["items"]![0]!;
        Assert.Equal(DateTimeOffset.Parse("2026-11-29T08:00:00Z"), activity["occurredAt"]!.GetValue<DateTimeOffset>());
        Assert.Empty(app.Logs.Errors);
    }

    [Fact]
    public async Task A_national_number_of_another_country_is_refused_everywhere_saying_how_a_number_is_read()
    {
        // This service reads national numbers as US ones (Contacts:DefaultRegion); an agent in Lyon types 06 12 34 56 78.
        const string french = "06 12 34 56 78";
        var contact = (await Api.PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { email = Customers.Email() } }, 201))["contactId"]!.GetValue<long>();
        var refusals = new List<(string Route, string Message)>();
        async Task Refused(string route, HttpResponseMessage response, string field)
        {
            var problem = await response.Expect(400);
            refusals.Add((route, problem["errors"]![field]![0]!.GetValue<string>()));
        }

        await Refused("interaction phone", await Api.PostAsJsonAsync("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone = french } }), "customer.phone");
        await Refused("interaction whatsapp", await Api.PostAsJsonAsync("/api/v1/interactions", new { channel = "whatsapp", direction = "inbound", customer = new { whatsapp = french } }), "customer.whatsapp");
        await Refused("screen-pop", await Api.GetAsync("/api/v1/contacts/lookup?phone=" + Uri.EscapeDataString(french)), "phone");
        await Refused("screen-pop by whatsapp", await Api.GetAsync("/api/v1/contacts/lookup?whatsapp=" + Uri.EscapeDataString(french)), "whatsapp");
        await Refused("embed token", await Api.PostAsJsonAsync("/api/v1/embed-tokens", new { phone = french }), "phone");
        await Refused("identifier", await Api.PostAsJsonAsync($"/api/v1/contacts/{contact}/identifiers", new { kind = "phone", value = french }), "value");

        // Before: "Not a valid phone." — nothing said that the number was read as a US one, or what to type instead.
        Assert.All(refusals, r => Assert.Contains("country code", r.Message));
        Assert.All(refusals, r => Assert.Contains("national number of US (Contacts:DefaultRegion)", r.Message));
        // With its country code the same number is a customer.
        await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone = "+33 6 12 34 56 78" } }, 201);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_without_a_500()
    {
        var response = await Api.PostAsync("/api/v1/interactions", new StringContent("channel=sms", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_one_megabyte_body_is_a_413_problem()
    {
        var body = new { channel = "email", direction = "inbound", customer = new { email = Customers.Email() }, body = new string('x', 1024 * 1024) };

        // As well-behaved clients do: the server refuses on the headers, before the megabyte is sent.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/interactions") { Content = JsonContent.Create(body) };
        request.Headers.ExpectContinue = true;
        await request.Content.LoadIntoBufferAsync(); // a Content-Length for the server to judge
        var response = await Api.SendAsync(request);

        var problem = await response.Expect(413);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("at most 512 KiB", problem["detail"]!.GetValue<string>());
        Assert.Empty(app.Logs.Errors);
    }

    [Fact]
    public async Task A_body_field_over_its_limit_is_named()
    {
        var body = new { channel = "email", direction = "inbound", customer = new { email = Customers.Email() }, body = new string('x', 100_001) };

        var problem = await (await Api.PostAsJsonAsync("/api/v1/interactions", body)).Expect(400);

        Assert.NotNull(problem["errors"]!["body"]);
    }

    [Fact]
    public async Task A_batch_of_more_than_a_thousand_items_is_refused_whole()
    {
        var items = Enumerable.Range(0, 1001).Select(_ => new { channel = "sms", direction = "inbound", customer = new { phone = "+33612345678" } });

        var problem = await (await Api.PostAsJsonAsync("/api/v1/interactions/batch", new { items })).Expect(400);

        Assert.NotNull(problem["errors"]!["items"]);
    }

    [Theory]
    [InlineData("/api/v1/contacts/abc")]
    [InlineData("/api/v1/contacts/lookup")]
    [InlineData("/api/v1/contacts/lookup?phone=1&email=a@b.c")]
    [InlineData("/api/v1/contacts?q=")]
    [InlineData("/api/v1/contacts/1/activities?limit=abc")]
    [InlineData("/api/v1/conversations?limit=100000")]
    [InlineData("/api/v1/conversations?status=lost")]
    public async Task Bad_query_strings_and_ids_never_answer_500(string url)
    {
        var response = await Api.GetAsync(url);

        Assert.InRange((int)response.StatusCode, 400, 404);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(app.Logs.Errors);
    }

    [Fact]
    public async Task Json_cut_short_is_named_as_the_document_not_as_a_field_called_body()
    {
        var problem = await (await Api.PostAsync("/api/v1/interactions", new StringContent("{\"channel\":", Encoding.UTF8, "application/json"))).Expect(400);

        Assert.Null(problem["errors"]!["body"]);
        Assert.Contains("cut short", problem["errors"]!["$"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/exports/interactions.csv?from=yesterday&to=2026-11-26T00:00:00Z", "from", "2026-11-25T09:00")]
    [InlineData("/api/v1/contacts/1/activities?limit=abc", "limit", "a whole number")]
    public async Task A_query_parameter_that_does_not_parse_is_named_with_what_it_should_be(string url, string field, string expected)
    {
        var problem = await (await Api.GetAsync(url)).Expect(400);

        var message = problem["errors"]![field]![0]!.GetValue<string>();
        Assert.Contains(expected, message);
        Assert.DoesNotContain("Nullable", message);
    }

    [Fact]
    public async Task A_body_of_another_type_is_a_415_saying_which_type_to_send()
    {
        var problem = await (await Api.PostAsync("/api/v1/interactions", new StringContent("channel=sms", Encoding.UTF8, "text/plain"))).Expect(415);

        Assert.Contains("application/json", problem["detail"]!.GetValue<string>());
    }
}
