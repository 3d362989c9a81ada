using System.Diagnostics;
using ContactHub.Data;
using ContactHub.Hosting;
using static ContactHub.Hosting.CommandOutput;

namespace ContactHub.Demo;

/// <summary><c>seed-demo</c>: fills the configured database with demo data, with a progress line.</summary>
public static class DemoCommands
{
    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.AddCommand(new(["seed-demo"], 0, """
            seed-demo [--contacts 1000] [--interactions 10000] [--days 30] [--seed 42]
                                                       fill the database with realistic demo data (progress on stderr)
            """, (app, _, args) => SeedAsync(app, args.Option("--contacts"), args.Option("--interactions"), args.Option("--days"), args.Option("--seed"))));
        return builder;
    }

    public static async Task<int> SeedAsync(WebApplication app, string? contacts, string? interactions, string? days, string? seed)
    {
        if (!TryCount(contacts, 1_000, 10_000_000, out var c)) return Fail("--contacts is a number of contacts (1 to 10,000,000; default 1,000).");
        if (!TryCount(interactions, 10_000, 100_000_000, out var i) || i < c) return Fail("--interactions is a number of interactions, at least --contacts (default 10,000).");
        if (!TryCount(days, 30, 3_650, out var d)) return Fail("--days is how far back the data goes (1 to 3,650; default 30).");
        if (!TryCount(seed, 42, int.MaxValue, out var s)) return Fail("--seed is a positive number (default 42).");

        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        var watch = Stopwatch.StartNew();
        var line = new CommandOutput.ProgressLine();
        var progress = CommandOutput.Progress<(long Done, long Total)>(p =>
        {
            var rate = p.Done / Math.Max(0.001, watch.Elapsed.TotalSeconds);
            var eta = rate > 0 ? TimeSpan.FromSeconds((p.Total - p.Done) / rate) : TimeSpan.Zero;
            line.Show($"{p.Done:N0} / {p.Total:N0} rows ({100.0 * p.Done / p.Total:0}%), {rate:N0}/s, {eta:mm\\:ss} left", last: p.Done >= p.Total);
        });
        var (contactCount, conversations, written) = await ActivatorUtilities.CreateInstance<DemoSeeder>(app.Services)
            .SeedAsync(new DemoSeeder.Options(c, i, d, s), progress);
        line.End();
        Console.WriteLine($"Seeded {contactCount:N0} contacts, {conversations:N0} conversations and {written:N0} interactions over {d} days in {watch.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    private static bool TryCount(string? text, int fallback, int max, out int value)
    {
        value = fallback;
        return text is null || (int.TryParse(text, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max);
    }

}
