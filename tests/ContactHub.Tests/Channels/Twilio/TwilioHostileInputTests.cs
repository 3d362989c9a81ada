using System.Net;
using System.Text;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Channels.Twilio;

/// <summary>Garbage at the webhooks, over real Kestrel: 4xx ProblemDetails, never a 500, nothing logged as an error.</summary>
public sealed class TwilioHostileInputTests(TwilioKestrelApp app) : IClassFixture<TwilioKestrelApp>
{
    [Fact]
    public async Task An_oversized_form_is_413()
    {
        var form = new Dictionary<string, string> { ["MessageSid"] = "SM1", ["From"] = "+33612345678", ["Body"] = new string('x', 300_000) };

        var response = await app.PostSigned("/webhooks/twilio/messages", form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(app.Logs.Errors);
    }

    [Theory]
    [InlineData("application/json", "{\"MessageSid\":\"SM1\"}", 415)]
    [InlineData("application/x-www-form-urlencoded", "%%%&&&===%ZZ", 403)]
    [InlineData("application/x-www-form-urlencoded", "", 403)]
    [InlineData("text/plain", "hello", 415)]
    public async Task Garbage_bodies_are_refused_without_a_500(string contentType, string body, int expected)
    {
        var response = await app.Anonymous().PostAsync("/webhooks/twilio/messages", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(app.Logs.Errors);
    }

    [Fact]
    public async Task Too_many_form_fields_are_a_400()
    {
        var form = Enumerable.Range(0, 2000).ToDictionary(i => $"F{i}", i => "v");

        var response = await app.PostSigned("/webhooks/twilio/voice", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Logs.Errors);
    }
}
