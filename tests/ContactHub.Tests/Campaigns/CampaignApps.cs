using ContactHub.Data;
using ContactHub.Tests.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ContactHub.Tests.Campaigns;

/// <summary>Messaging with a clock the test moves: the evaluator, recording and the outbox all read it.</summary>
public abstract class CampaignApp(DatabaseProvider provider) : MessagingApp(provider)
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [.. base.Settings, new("Campaigns:EvaluationInterval", "01:00:00"), new("Campaigns:DefaultTimeZone", "Europe/Paris")];

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

public sealed class CampaignSqliteApp() : CampaignApp(DatabaseProvider.Sqlite);

public sealed class CampaignPostgresApp() : CampaignApp(DatabaseProvider.Postgres);
