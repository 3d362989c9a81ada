using ContactHub.Contacts;
using ContactHub.Demo;
using ContactHub.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContactHub.Tests.Demo;

/// <summary>
/// seed-demo writes exactly what it is asked for: every contact (with its phone, which the outside benchmarks look up at
/// random) and every interaction. It used to stop at the interaction budget, so when the random shares ran over it the
/// last contacts were never written — 0.02% of the look-ups at 1M contacts answered 404 — while it said it had seeded them all.
/// </summary>
public sealed class DemoSeederTests() : MigratedSqlite("demo")
{
    [Theory]
    [InlineData(1_000, 1_000, 1)]
    [InlineData(1_000, 1_100, 1)]
    [InlineData(1_000, 1_100, 7)]
    [InlineData(500, 5_000, 3)]
    public async Task Every_contact_and_every_interaction_asked_for_is_written_and_reported(int contacts, int interactions, int seed)
    {
        var seeder = new DemoSeeder(Db, new ContactNames(Db, NullLogger<ContactNames>.Instance), TimeProvider.System);

        var (reportedContacts, _, reportedInteractions) = await seeder.SeedAsync(new DemoSeeder.Options(contacts, interactions, 30, seed));

        await using var connection = await Db.OpenAsync();
        Assert.Equal(contacts, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM contacts"));
        Assert.Equal(interactions, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM interactions"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.contact_id = c.id)"));
        var phones = (await connection.QueryAsync<string>("SELECT value FROM contact_identifiers WHERE value LIKE '+336%'")).ToHashSet();
        Assert.All(Enumerable.Range(0, contacts), i => Assert.Contains($"+336{10_000_000 + i:D8}", phones));
        Assert.Equal((contacts, interactions), (reportedContacts, reportedInteractions));
    }
}
