using ContactHub.Desk;

namespace ContactHub.Tests.Desk;

/// <summary>
/// A status as the desk and the CRM embed show it. A customer's call waiting for its agents (queued by Twilio's agent leg) read
/// "en file d'envoi" in French — the send queue of a message.
/// </summary>
public sealed class StatusNameTests
{
    [Theory]
    [InlineData("fr", "queued", "call", "en attente d'un agent")]
    [InlineData("en", "queued", "call", "waiting for an agent")]
    [InlineData("fr", "queued", "sms", "en file d'envoi")]
    [InlineData("fr", "missed", "call", "manqué")]
    [InlineData("en", "in-progress", "call", "in progress")]
    public void A_status_reads_as_its_channel_means_it(string language, string status, string channel, string expected) =>
        Assert.Equal(expected, (language == "fr" ? Texts.Fr : Texts.En).StatusName(status, channel));
}
