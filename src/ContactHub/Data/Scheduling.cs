using ContactHub.Hosting;
using Quartz;

namespace ContactHub.Data;

public static class Scheduling
{
    /// <summary>
    /// Quartz with its persistent store in the configured database (tables created when missing):
    /// schedules survive restarts; on PostgreSQL and SQL Server the nodes sharing a database form a
    /// cluster, so each firing runs on exactly one of them. SQLite is single-node (Quartz refuses
    /// clustering there). Running jobs finish before the process exits.
    /// </summary>
    public static WebApplicationBuilder AddScheduling(this WebApplicationBuilder builder)
    {
        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        builder.Services.AddValidatedOptions<SchedulingOptions>(SchedulingOptions.Section);
        var misfire = builder.Configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>()?.MisfireThreshold ?? TimeSpan.FromMinutes(1);
        var valid = Enum.TryParse<DatabaseProvider>(database.Provider, ignoreCase: true, out var provider) && !string.IsNullOrWhiteSpace(database.ConnectionString);
        builder.Services.AddQuartz(q =>
        {
            // An invalid Database section stops start-up with its own message; the scheduler is not the place to report it.
            if (!valid) return;
            q.UsePersistentStore(store =>
            {
                store.ProvisionSchema();
                store.ConfigureStore(o => o.MisfireThreshold = misfire < TimeSpan.FromSeconds(1) ? TimeSpan.FromMinutes(1) : misfire);
                var dialect = SqlDialect.For(provider);
                dialect.UseQuartzStore(store, dialect.PrepareConnectionString(database.ConnectionString!, builder.Environment.ContentRootPath));
            });
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
