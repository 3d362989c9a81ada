using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Tests.Conversations;
using ContactHub.Tests.Infrastructure;
using Dapper;
using static ContactHub.Tests.Infrastructure.Eventually;

namespace ContactHub.Tests.Outbox;

/// <summary>Each queued message is sent exactly once, across a stop mid-way and across two dispatching hosts.</summary>
public abstract class OutboxSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : MessagingApp
{
    private async Task<(long ConversationId, string Tag)> Enqueue(int count)
    {
        var phone = Customers.Phone();
        var conversationId = (await App.Client().PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone } }, 201))["conversationId"]!.GetValue<long>();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var messenger = App.Get<ConversationMessenger>();
        for (var i = 0; i < count; i++)
        {
            var result = await messenger.SendAsync(conversationId, new SendMessageRequest("sms", Body: $"{tag} message {i}"), summary: false, idempotencyKey: null, CancellationToken.None);
            Assert.Equal(MessageOutcome.Queued, result.Outcome);
        }
        return (conversationId, tag);
    }

    private async Task<long> Pending()
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status = 'pending'");
    }

    private List<string> Received(string tag) =>
        App.Twilio.Requests.SelectMany(r => r.Form["Body"]).Where(b => b.StartsWith(tag, StringComparison.Ordinal)).ToList();

    [SkippableFact]
    public async Task Stopping_the_dispatching_host_mid_way_and_starting_again_sends_each_message_once()
    {
        var (_, tag) = await Enqueue(500);
        // Twilio answers each send after 10 ms, so that the first host is surely stopped with work left (without it, a fast
        // host could send all 500 before the stop takes effect, and the test would prove nothing about restarting).
        for (var i = 0; i < 500; i++) App.Twilio.Enqueue(201, delay: TimeSpan.FromMilliseconds(10));

        var first = await App.StartSiblingAsync(("Outbox:DispatcherEnabled", "true"), ("Outbox:BatchSize", "20"));
        await Until(() => Received(tag).Count >= 100, "the 100 messages at the fake Twilio", seconds: 60);
        await first.StopAsync(); // graceful: what it claimed is finished and recorded
        var afterStop = Received(tag).Count;
        var second = await App.StartSiblingAsync(("Outbox:DispatcherEnabled", "true"));
        await Until(async () => await Pending() == 0, "an empty outbox", seconds: 60);
        await second.StopAsync();

        var received = Received(tag);
        Assert.InRange(afterStop, 100, 499);
        Assert.Equal(500, received.Count);
        Assert.Equal(500, received.Distinct().Count());
    }

    [SkippableFact]
    public async Task Two_hosts_dispatching_one_database_send_each_of_a_thousand_messages_once()
    {
        var (_, tag) = await Enqueue(1000);

        var hosts = await Task.WhenAll(
            App.StartSiblingAsync(("Outbox:DispatcherEnabled", "true"), ("Outbox:BatchSize", "25")),
            App.StartSiblingAsync(("Outbox:DispatcherEnabled", "true"), ("Outbox:BatchSize", "25")));
        await Until(async () => await Pending() == 0, "an empty outbox", seconds: 120);
        await Task.WhenAll(hosts.Select(h => h.StopAsync()));

        var received = Received(tag);
        Assert.Equal(1000, received.Count);
        Assert.Equal(1000, received.Distinct().Count());
        await using var connection = await App.Get<Db>().OpenAsync();
        var nodes = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE provider = 'twilio' AND status = 'sent' AND body LIKE @like", new { like = tag + "%" });
        Assert.Equal(1000, nodes);
    }
}

/// <summary>Hosts that only enqueue: the tests start dispatching siblings themselves.</summary>
public abstract class EnqueueOnlyApp(DatabaseProvider provider) : MessagingApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [.. base.Settings, new("Outbox:DispatcherEnabled", "false")];
}

public sealed class EnqueueOnlySqliteApp() : EnqueueOnlyApp(DatabaseProvider.Sqlite);

public sealed class EnqueueOnlyPostgresApp() : EnqueueOnlyApp(DatabaseProvider.Postgres);

public sealed class OutboxOnSqlite(EnqueueOnlySqliteApp app) : OutboxSuite<EnqueueOnlySqliteApp>(app);

public sealed class OutboxOnPostgres(EnqueueOnlyPostgresApp app) : OutboxSuite<EnqueueOnlyPostgresApp>(app);
