using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Reliability;

/// <summary>Two nodes on one PostgreSQL take events for the same new customers at the same moment: each customer is one contact.</summary>
public sealed class TwoNodeIngestOnPostgres(PostgresApp app) : EngineSuite<PostgresApp>(app)
{
    [SkippableFact]
    public async Task Concurrent_first_events_for_the_same_new_numbers_on_two_nodes_make_one_contact_and_one_conversation_each()
    {
        var second = await App.StartSiblingAsync();
        try
        {
            var phones = Enumerable.Range(0, 20).Select(_ => Customers.Phone()).ToList();
            var clients = new[] { App.Client(), second.Client() };
            // 24 requests in flight at a time: the 8 events of a number race each other across both nodes. (Unbounded, 160 at once
            // exceed this test server's max_connections and are answered 503 "database unavailable", as they should be.)
            using var inFlight = new SemaphoreSlim(24);
            var sends = phones.SelectMany(phone => Enumerable.Range(0, 8).Select(async i =>
            {
                await inFlight.WaitAsync();
                try
                {
                    return await clients[i % 2].PostOk("/api/v1/interactions", new { channel = i % 3 == 0 ? "call" : "sms", direction = "inbound", customer = new { phone } }, 201);
                }
                finally { inFlight.Release(); }
            }));
            var results = await Task.WhenAll(sends);

            Assert.Equal(phones.Count, results.Select(r => r["contactId"]!.GetValue<long>()).Distinct().Count());
            Assert.Equal(phones.Count, results.Select(r => r["conversationId"]!.GetValue<long>()).Distinct().Count());
            await using var connection = await App.Get<Db>().OpenAsync();
            var owners = await connection.QueryAsync<long>("SELECT COUNT(DISTINCT contact_id) FROM contact_identifiers WHERE value = ANY(@phones) GROUP BY value", new { phones = phones.ToArray() });
            Assert.All(owners, n => Assert.Equal(1, n));
            Assert.Equal(phones.Count * 8, await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM interactions i JOIN contact_identifiers c ON c.contact_id = i.contact_id WHERE c.value = ANY(@phones)", new { phones = phones.ToArray() }));
        }
        finally
        {
            await second.StopAsync();
        }
    }
}
