using ContactHub.Campaigns;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Campaigns;

/// <summary>Two hosts evaluate the same campaign at the same moment on one PostgreSQL database.</summary>
public sealed class CampaignTwoHostsOnPostgres(CampaignPostgresApp app) : EngineSuite<CampaignPostgresApp>(app)
{
    [SkippableFact]
    public async Task Each_contact_gets_one_message_however_many_hosts_evaluate()
    {
        var campaign = (await App.Client().PostOk("/api/v1/campaigns", new { name = "two-hosts", trigger = "conversation-ended", parameters = new { minutes = 0 }, channel = "sms", body = "Thanks for your call" }, 201))["id"]!.GetValue<long>();
        var phones = Enumerable.Range(0, 40).Select(_ => Customers.Phone()).ToList();
        foreach (var phone in phones)
        {
            var chat = await App.Client().PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { phone } }, 201);
            await App.Client().PostOk($"/api/v1/conversations/{chat["conversationId"]}/end", new { });
        }

        // The siblings read the real clock, a moment after the fixture's: the ended conversations are due for both.
        var hosts = await Task.WhenAll(App.StartSiblingAsync(), App.StartSiblingAsync());
        await Task.WhenAll(hosts.Select(h => h.Get<CampaignEvaluator>().RunAsync()));
        await Task.WhenAll(hosts.Select(h => h.Get<CampaignEvaluator>().RunAsync()));

        await using var connection = await App.Get<Db>().OpenAsync();
        var perContact = (await connection.QueryAsync<long>("SELECT COUNT(*) FROM campaign_sends WHERE campaign_id = @campaign GROUP BY contact_id", new { campaign })).ToList();
        Assert.Equal(phones.Count, perContact.Count);
        Assert.All(perContact, n => Assert.Equal(1, n));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<string> texted;
        do
        {
            texted = App.Twilio.Requests.SelectMany(r => r.Form["To"]).Where(phones.Contains).ToList();
            await Task.Delay(100);
        } while (texted.Count < phones.Count && DateTime.UtcNow < deadline);
        await Task.WhenAll(hosts.Select(h => h.StopAsync()));
        Assert.Equal(phones.Count, texted.Count);
        Assert.Equal(phones.Count, texted.Distinct().Count());
    }
}
