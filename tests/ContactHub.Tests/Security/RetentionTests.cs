using ContactHub.Contacts;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Security;

public sealed class RetentionApp() : ContactHubApp(DatabaseProvider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Retention:MessageBodiesDays", "30"), new("Retention:InteractionsDays", "365"), new("Retention:EventsDays", "90")];
}

public sealed class RetentionTests(RetentionApp app) : IClassFixture<RetentionApp>
{
    [Fact]
    public async Task Old_bodies_are_blanked_and_older_interactions_deleted_while_recent_ones_stay()
    {
        var phone = Customers.Phone();
        async Task<long> Record(int daysAgo) => (await app.Client().PostOk("/api/v1/interactions",
            new { channel = "sms", direction = "inbound", customer = new { phone }, body = $"{daysAgo} days ago", occurredAt = DateTimeOffset.UtcNow.AddDays(-daysAgo) }, 201))["interactionId"]!.GetValue<long>();
        var (recent, month, year) = (await Record(1), await Record(40), await Record(400));

        var (blanked, deleted) = await app.Get<RetentionJob>().RunAsync();

        await using var connection = await app.Get<Db>().OpenAsync();
        string? Body(long id) => connection.QuerySingleOrDefault<string?>("SELECT body FROM interactions WHERE id = @id", new { id });
        Assert.True(blanked >= 2 && deleted >= 1);
        Assert.Equal("1 days ago", Body(recent));
        Assert.Null(Body(month));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE id = @month", new { month }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE id = @year", new { year }));
    }

    [Fact]
    public async Task Events_older_than_the_retention_go_with_their_deliveries_and_recent_ones_stay()
    {
        var phone = Customers.Phone();
        var recorded = await app.Client().PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", customer = new { phone } }, 201);
        var contactId = recorded["contactId"]!.GetValue<long>();
        await app.Get<ContactHub.Events.EventSequencer>().SequenceOnceAsync();
        await using var connection = await app.Get<Db>().OpenAsync();
        var oldest = await connection.ExecuteScalarAsync<long>("SELECT MIN(id) FROM events WHERE contact_id = @contactId", new { contactId });
        await connection.ExecuteAsync("UPDATE events SET occurred_at = @old WHERE id = @oldest", new { oldest, old = DateTimeOffset.UtcNow.AddDays(-91) });
        var before = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events WHERE contact_id = @contactId", new { contactId });

        await app.Get<RetentionJob>().RunAsync();

        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events WHERE id = @oldest", new { oldest }));
        Assert.Equal(before - 1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events WHERE contact_id = @contactId", new { contactId }));
    }
}
