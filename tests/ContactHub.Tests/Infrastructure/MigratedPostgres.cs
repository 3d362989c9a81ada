using System.Data.Common;
using ContactHub.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// A migrated PostgreSQL database of its own on the server named by CONTACTHUB_TEST_POSTGRES, for tests of the data layer
/// without a host; dropped after. Each test starts with <c>Skip.If(SkipReason is not null, SkipReason)</c>.
/// </summary>
public abstract class MigratedPostgres(string name) : IAsyncLifetime
{
    private readonly TestEngine _engine = TestEngine.For(DatabaseProvider.Postgres);

    /// <summary>Why PostgreSQL is not available here, or null.</summary>
    protected string? SkipReason => _engine.SkipReason;

    protected string ConnectionString { get; private set; } = "";

    protected Db Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (SkipReason is not null) return;
        ConnectionString = await _engine.CreateDatabaseAsync($"ch{name}_{Guid.NewGuid():N}");
        Db = new Db(DatabaseProvider.Postgres, ConnectionString, Path.GetTempPath());
        await new Migrator(Db, NullLogger<Migrator>.Instance).MigrateAsync();
        await using var connection = await Db.OpenAsync();
        await SeedAsync(connection);
    }

    /// <summary>Rows the class's tests share, written once the database is migrated.</summary>
    protected virtual Task SeedAsync(DbConnection connection) => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Db is null) return;
        await Db.DisposeAsync();
        await _engine.DropDatabaseAsync(ConnectionString);
    }
}
