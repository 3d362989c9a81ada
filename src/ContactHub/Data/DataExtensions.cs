using ContactHub.Hosting;

namespace ContactHub.Data;

public static class DataExtensions
{
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.Section);
        builder.Services.AddSingleton<Db>();
        builder.Services.AddSingleton<Migrator>().AddStartupTask<Migrator>();
        builder.Services.AddSingleton<IProblemMapper, DatabaseProblems>();
        builder.Services.AddSingleton<IFailureDescriber, DatabaseFailure>();
        builder.Services.AddCommand(new(["migrate"], 0, "migrate                                    apply pending database migrations and exit", async (app, _, _) =>
        {
            var applied = await app.Services.GetRequiredService<Migrator>().MigrateAsync();
            Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
            return 0;
        }));
        builder.Services.AddSingleton<SyncStateStore>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"], timeout: TimeSpan.FromSeconds(5));
        return builder;
    }
}
