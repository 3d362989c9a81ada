using System.Net;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Security;

public sealed class RateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_retry_after_while_other_keys_and_webhooks_are_unaffected()
    {
        var greedy = app.Client("read");
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 7; i++) answers.Add(await greedy.GetAsync("/api/v1/conversations"));
        var other = await app.Client("admin").GetAsync("/api/v1/api-keys");

        Assert.All(answers.Take(5), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var refused = answers[5];
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_flood_of_webhooks_from_one_address_does_not_block_api_keys()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            statuses.Add((await app.Anonymous().PostAsync("/webhooks/twilio/messages", new FormUrlEncodedContent(new Dictionary<string, string> { ["MessageSid"] = "SM" + i }))).StatusCode);
        var api = await app.Client("write").PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone = Customers.Phone() } }, 201);

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Forbidden)); // unsigned: refused, but counted
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.NotNull(api["interactionId"]);
    }
}
