using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using static ContactHub.Tests.Infrastructure.Eventually;

namespace ContactHub.Tests.Events;

/// <summary>A subscription that keeps failing is disabled with its reason shown; enabled again, it receives what waited.</summary>
public abstract class SubscriptionDisableSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : ContactHubApp
{
    [SkippableFact]
    public async Task A_subscription_failing_past_the_limit_is_disabled_with_the_reason_and_enabled_again_receives_what_waited()
    {
        var admin = App.Client("read", "write", "admin");
        await using var receiver = new WebhookReceiver { Down = true };
        var created = await admin.PostOk("/api/v1/event-subscriptions", new { url = receiver.Url, events = new[] { "interaction.recorded" } }, 201);
        var id = created["subscription"]!["id"]!.GetValue<long>();
        var phone = Customers.Phone();
        await admin.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone } }, 201);

        JsonNode subscription = created["subscription"]!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((subscription = (await admin.GetFromJsonAsync<JsonNode>($"/api/v1/event-subscriptions/{id}"))!)["status"]!.GetValue<string>() != "disabled")
        {
            Assert.True(DateTime.UtcNow < deadline, "the subscription was not disabled");
            await Task.Delay(100);
        }
        Assert.Contains("HTTP 503", subscription["disabledReason"]!.GetValue<string>());
        Assert.NotNull(subscription["failingSince"]);

        // Disabled: nothing is tried, and what happens meanwhile waits.
        await admin.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone } }, 201);
        await Task.Delay(1000);
        var attempts = receiver.Requests.Count;
        await Task.Delay(1000);
        Assert.Equal(attempts, receiver.Requests.Count);

        receiver.Down = false;
        var enabled = await (await admin.PatchAsJsonAsync($"/api/v1/event-subscriptions/{id}", new { status = "active" })).Expect(200);
        Assert.Equal("active", enabled["status"]!.GetValue<string>());
        Assert.Null(enabled["disabledReason"]);
        await Until(() => receiver.Accepted.Count == 2, "the two waiting events");
    }
}

/// <summary>Subscriptions are disabled after two seconds of failures here (five days by default).</summary>
public abstract class QuickDisableApp(DatabaseProvider provider) : ContactHubApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Events:RetryBaseDelay", "00:00:00.200"), new("Events:MaxRetryDelay", "00:00:00.500"), new("Events:DisableAfter", "00:00:02")];
}

public sealed class QuickDisableSqliteApp() : QuickDisableApp(DatabaseProvider.Sqlite);

public sealed class QuickDisablePostgresApp() : QuickDisableApp(DatabaseProvider.Postgres);

public sealed class SubscriptionDisableOnSqlite(QuickDisableSqliteApp app) : SubscriptionDisableSuite<QuickDisableSqliteApp>(app);

public sealed class SubscriptionDisableOnPostgres(QuickDisablePostgresApp app) : SubscriptionDisableSuite<QuickDisablePostgresApp>(app);
