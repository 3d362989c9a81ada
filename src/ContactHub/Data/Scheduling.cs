using ContactHub.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        var valid = !database.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(database)).Any();
        builder.Services.AddQuartz(q =>
        {
            // An invalid Database section stops start-up with its own message; the scheduler is not the place to report it.
            if (!valid) return;
            q.UsePersistentStore(store =>
            {
                store.ProvisionSchema();
                store.ConfigureStore(o => o.MisfireThreshold = misfire < TimeSpan.FromSeconds(1) ? TimeSpan.FromMinutes(1) : misfire);
                var dialect = SqlDialect.For(database.ProviderKind);
                dialect.UseQuartzStore(store, dialect.PrepareConnectionString(database.ConnectionString!, builder.Environment.ContentRootPath));
            });
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>
    /// A job that runs every <paramref name="interval"/> (an interval under a second, a mistyped setting, falls back to
    /// <paramref name="fallback"/>), first after <paramref name="firstAfter"/> (the interval when not given). Each firing runs
    /// on one node of a cluster.
    /// </summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, JobKey key, TimeSpan interval, TimeSpan fallback,
        TimeSpan? firstAfter = null) where TJob : class, IJob
    {
        var every = interval >= TimeSpan.FromSeconds(1) ? interval : fallback;
        services.TryAddTransient<TJob>();
        return services.AddQuartz(q =>
        {
            q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably());
            q.AddTrigger(t => t.ForJob(key).WithIdentity(key.Name).StartAt(DateTimeOffset.UtcNow + (firstAfter ?? every))
                .WithSimpleSchedule(s => s.WithInterval(every).RepeatForever()));
        });
    }
}
