using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContactHub.Tests.Data;

public abstract class MigrationSuite<TApp>(TApp app) : EngineSuite<TApp>(app), IAsyncLifetime where TApp : ContactHubApp
{
    private readonly List<Db> _created = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var db in _created) await App.Engine.DropDatabaseAsync(db.ConnectionString);
    }

    [SkippableFact]
    public async Task Migrations_apply_on_an_empty_database_and_reapply_as_a_no_op()
    {
        var db = await FreshDatabase("m1");
        var migrator = new Migrator(db, NullLogger<Migrator>.Instance);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(ScriptsFor(App.Provider), first);
        Assert.Empty(second);
    }

    [SkippableFact]
    public async Task The_migration_lock_is_released_before_its_connection_goes_back_to_the_pool()
    {
        // The pool does not reset connections on PostgreSQL (see PostgresDialect): a lock left held would outlive the migration.
        var db = await FreshDatabase("m3");
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();

        await using var connection = await db.OpenAsync();
        var held = App.Provider switch
        {
            DatabaseProvider.Postgres => await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
            DatabaseProvider.SqlServer => await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM sys.dm_tran_locks WHERE resource_type = 'APPLICATION' AND resource_database_id = DB_ID()"),
            _ => 0, // SQLite serialises migrations through its file lock, gone with the transaction
        };
        Assert.Equal(0, held);
    }

    [SkippableFact]
    public async Task Two_instances_migrating_at_once_apply_each_script_once()
    {
        var db = await FreshDatabase("m2");
        var one = new Migrator(db, NullLogger<Migrator>.Instance);
        var two = new Migrator(new Db(App.Provider, db.ConnectionString, Path.GetTempPath()), NullLogger<Migrator>.Instance);

        var results = await Task.WhenAll(Task.Run(() => one.MigrateAsync()), Task.Run(() => two.MigrateAsync()));

        Assert.Equal(ScriptsFor(App.Provider), results.SelectMany(r => r).Order());
        await using var connection = await db.OpenAsync();
        Assert.Equal(ScriptsFor(App.Provider).Count, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schemaversions"));
    }

    [SkippableFact]
    public async Task The_schema_has_the_same_tables_and_columns_as_on_sqlite()
    {
        var sqlite = TestEngine.For(DatabaseProvider.Sqlite);
        var reference = new Db(DatabaseProvider.Sqlite, await sqlite.CreateDatabaseAsync("ref_" + Guid.NewGuid().ToString("N")), Path.GetTempPath());
        await new Migrator(reference, NullLogger<Migrator>.Instance).MigrateAsync();
        var expected = await Catalogue.ColumnsAsync(reference);
        await sqlite.DropDatabaseAsync(reference.ConnectionString);

        var actual = await Catalogue.ColumnsAsync(App.Get<Db>());

        Assert.True(expected.Count > 150, $"the reference schema looks empty ({expected.Count} columns)");
        Assert.Equal(expected, actual);
    }

    private async Task<Db> FreshDatabase(string tag)
    {
        var connectionString = await App.Engine.CreateDatabaseAsync($"chmig_{tag}_{Guid.NewGuid():N}"[..30]);
        var db = new Db(App.Provider, connectionString, Path.GetTempPath());
        _created.Add(db);
        return db;
    }

    private static List<string> ScriptsFor(DatabaseProvider provider)
    {
        var prefix = $"sql/{SqlDialect.For(provider).MigrationsFolder}/";
        var scripts = typeof(Migrator).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order().ToList();
        Assert.NotEmpty(scripts);
        return scripts;
    }
}

public sealed class MigrationsOnSqlite(SqliteApp app) : MigrationSuite<SqliteApp>(app);

public sealed class MigrationsOnPostgres(PostgresApp app) : MigrationSuite<PostgresApp>(app);

public sealed class MigrationsOnSqlServer(SqlServerApp app) : MigrationSuite<SqlServerApp>(app);
