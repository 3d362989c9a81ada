using ContactHub.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContactHub.Tests.Infrastructure;

/// <summary>A migrated SQLite database in a folder of its own, for tests of the data layer without a host; removed after.</summary>
public abstract class MigratedSqlite(string name) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory($"contacthub-{name}-").FullName;

    protected Db Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = new Db(DatabaseProvider.Sqlite, $"Data Source={_folder}/{name}.db", _folder);
        await new Migrator(Db, NullLogger<Migrator>.Instance).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await Db.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, true);
    }
}
