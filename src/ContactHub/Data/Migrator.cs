using ContactHub.Hosting;
using Microsoft.Extensions.Options;

namespace ContactHub.Data;

/// <summary>
/// Applies the forward-only scripts of sql/{engine}/ with DbUp. Two instances starting together
/// are serialised by the engine's own lock (<see cref="SqlDialect.MigrationLockAsync"/>).
/// </summary>
public sealed class Migrator(Db db, ILogger<Migrator> logger, IOptions<DatabaseOptions>? options = null) : IStartupTask
{
    /// <summary>Before the service takes traffic: pending migrations, unless Database:MigrateOnStart is off.</summary>
    async Task IStartupTask.PrepareAsync(CancellationToken ct)
    {
        if (options?.Value.MigrateOnStart != false) await MigrateAsync(ct);
    }

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await using var hold = await db.Dialect.MigrationLockAsync(db, ct);
        var upgrader = db.Dialect.Migrations(db.ConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error?.Message}", result.Error);
        var applied = result.Scripts.Select(s => s.Name).ToList();
        foreach (var script in applied) DataLog.MigrationApplied(logger, script);
        DataLog.MigrationsDone(logger, db.Provider, applied.Count);
        return applied;
    }

    /// <summary>Embedded resource names of this engine's scripts start with this.</summary>
    public string ScriptPrefix => $"sql/{db.Dialect.MigrationsFolder}/";
}
