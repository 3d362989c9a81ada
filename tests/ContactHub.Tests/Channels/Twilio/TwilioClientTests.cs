using ContactHub.Channels.Twilio;
using ContactHub.Outbox;
using ContactHub.Tests.Infrastructure;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;

namespace ContactHub.Tests.Channels.Twilio;

/// <summary>Twilio's SDK over ContactHub's HTTP pipeline (retries, timeout, base URL) against a local server speaking Twilio's REST API.</summary>
public sealed class TwilioClientTests(TwilioSqliteApp app) : IClassFixture<TwilioSqliteApp>
{
    private FakeTwilio Twilio => app.Twilio;

    private async Task<IReadOnlyList<FakeTwilio.Received>> SendAndCollect(Func<Task> send)
    {
        while (Twilio.Requests.TryDequeue(out _)) { }
        await send();
        return Twilio.Requests.ToList();
    }

    [Fact]
    public async Task An_sms_is_posted_as_twilio_expects_and_the_message_resource_is_read()
    {
        MessageResource message = null!;
        var requests = await SendAndCollect(async () =>
            message = await app.Get<TwilioApi>().SendMessageAsync(new TwilioOutboundMessage("+33612345678", "Your booking is confirmed", WhatsApp: false)));

        var form = requests.Single().Form;
        Assert.Equal($"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Messages.json", requests.Single().Path);
        Assert.Equal(["+33612345678"], form["To"]);
        Assert.Equal(["+15005550006"], form["From"]);
        Assert.Equal(["Your booking is confirmed"], form["Body"]);
        Assert.Equal([TwilioApp.PublicBaseUrl + "/webhooks/twilio/message-status"], form["StatusCallback"]);
        Assert.StartsWith("SM", message.Sid);
        Assert.Equal(MessageResource.StatusEnum.Queued, message.Status);
    }

    [Fact]
    public async Task Whatsapp_uses_whatsapp_addresses_and_media_urls()
    {
        var requests = await SendAndCollect(() => app.Get<TwilioApi>().SendMessageAsync(
            new TwilioOutboundMessage("+33612345678", "Boarding pass attached", WhatsApp: true, ["https://files.example.com/bp.pdf"])));

        var form = requests.Single().Form;
        Assert.Equal(["whatsapp:+33612345678"], form["To"]);
        Assert.Equal(["whatsapp:+14155238886"], form["From"]);
        Assert.Equal(["https://files.example.com/bp.pdf"], form["MediaUrl"]);
    }

    [Fact]
    public async Task Too_many_requests_and_server_errors_are_retried_and_the_message_is_sent_once()
    {
        Twilio.Enqueue(429, FakeTwilio.Error(20429, "Too Many Requests", 429));
        Twilio.Enqueue(500);
        Twilio.Enqueue(503);

        MessageResource message = null!;
        var requests = await SendAndCollect(async () => message = await app.Get<TwilioApi>().SendMessageAsync(new TwilioOutboundMessage("+33612345678", "retry me", false)));

        Assert.Equal(4, requests.Count); // three refusals, one acceptance
        Assert.Equal(MessageResource.StatusEnum.Queued, message.Status);
    }

    [Fact]
    public async Task A_client_error_is_permanent_and_not_retried()
    {
        Twilio.Enqueue(400, FakeTwilio.Error(21211, "The 'To' number is not a valid phone number.", 400));

        ApiException error = null!;
        var requests = await SendAndCollect(async () => error = await Assert.ThrowsAsync<ApiException>(() =>
            app.Get<TwilioApi>().SendMessageAsync(new TwilioOutboundMessage("+33612345678", "x", false))));

        Assert.Single(requests);
        Assert.True(TwilioApi.IsPermanent(error));
        Assert.Equal(21211, error.Code);
        Assert.Equal("https://www.twilio.com/docs/errors/21211", error.MoreInfo);
    }

    [Fact]
    public async Task An_unsubscribed_recipient_fails_at_once_and_is_classified_as_an_opt_out()
    {
        var phone = Customers.Phone();
        Twilio.Enqueue(400, FakeTwilio.Error(21610, "Attempt to send to unsubscribed recipient", 400));
        var sms = app.Get<IEnumerable<IOutboundChannel>>().Single(c => c.Channel == "sms");

        IReadOnlyList<SendOutcome> outcomes = [];
        var requests = await SendAndCollect(async () =>
            outcomes = await sms.SendAsync([new OutboundMessage(1, 1, "sms", new OutboxPayload(phone, "promo"))], CancellationToken.None));

        Assert.Single(requests);
        Assert.Equal(SendFailure.OptedOut, outcomes.Single().Failure);
        Assert.Contains("21610", outcomes.Single().Error);
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_attempts()
    {
        for (var i = 0; i < 4; i++) Twilio.Enqueue(500);

        var requests = await SendAndCollect(async () =>
        {
            var error = await Assert.ThrowsAsync<ApiException>(() => app.Get<TwilioApi>().SendMessageAsync(new TwilioOutboundMessage("+33612345678", "x", false)));
            Assert.False(TwilioApi.IsPermanent(error));
        });

        Assert.Equal(4, requests.Count);
    }

    [Fact]
    public async Task A_slow_answer_within_the_timeout_is_waited_for_and_sent_once()
    {
        Twilio.Enqueue(201, delay: TimeSpan.FromSeconds(1)); // Twilio:Timeout is 2 s here

        MessageResource message = null!;
        var requests = await SendAndCollect(async () => message = await app.Get<TwilioApi>().SendMessageAsync(new TwilioOutboundMessage("+33612345678", "slow", false)));

        Assert.Single(requests);
        Assert.Equal(MessageResource.StatusEnum.Queued, message.Status);
    }

    [Fact]
    public async Task A_timed_out_request_is_not_retried_by_the_client_because_twilio_may_have_accepted_it()
    {
        Twilio.Enqueue(201, delay: TimeSpan.FromSeconds(4));

        var requests = await SendAndCollect(async () =>
            await Assert.ThrowsAnyAsync<Exception>(() => app.Get<TwilioApi>().SendMessageAsync(new TwilioOutboundMessage("+33612345678", "too slow", false))));

        Assert.Single(requests); // the outbox decides later (docs/OPERATIONS.md: the one at-least-once window)
    }
}
