using ContactHub.Data;
using ContactHub.Reports;
using ContactHub.Security;
using Microsoft.Extensions.Options;

namespace ContactHub.Hosting;

/// <summary>
/// <c>contacthub</c> runs the service; <c>contacthub migrate</c>, <c>apikey create|list|revoke</c>
/// are administration commands that use the same configuration and exit.
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: ContactHub [command] [--Section:Key=value ...]
          (no command)                               run the service (migrations applied first)
          migrate                                    apply pending database migrations and exit
          apikey create --name NAME --scopes a,b     create a key (scopes: read, write, admin); prints it once
          apikey list                                list keys (never their secrets)
          apikey revoke ID|NAME|PREFIX               revoke a key
          import FILE.csv                            record interactions from CSV (columns in the README; - reads stdin)
          seed-demo [--contacts 1000] [--interactions 10000] [--days 30] [--seed 42]
                                                     fill the database with realistic demo data (progress on stderr)
          report list                                list the report catalogue
          report run NAME --from yyyy-MM-dd --to yyyy-MM-dd [--time-zone Europe/Paris] --out FILE.xlsx
                                                     generate a report for whole local days [from, to], showing progress
        """;

    /// <summary>The arguments that are settings: everything from the first one starting with "-" on.</summary>
    public static string[] Settings(string[] args) => [.. args.SkipWhile(a => !a.StartsWith('-'))];

    public static async Task<int> RunAsync(this WebApplication app, string[] args)
    {
        var words = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        try
        {
            // Configuration errors stop everything, each as one line naming the key.
            app.Services.GetService<IStartupValidator>()?.Validate();
            return words switch
            {
                [] => await Serve(app),
                ["migrate"] => await Migrate(app),
                ["apikey", "create"] => await CreateKey(app, Option(args, "--name") ?? "api", Option(args, "--scopes") ?? Scopes.Read),
                ["apikey", "list"] => await ListKeys(app),
                ["apikey", "revoke", var key] => await RevokeKey(app, key),
                ["import", var file] => await Conversations.ImportCommand.RunAsync(app, file),
                ["seed-demo"] => await Demo.DemoCommands.SeedAsync(app, Option(args, "--contacts"), Option(args, "--interactions"), Option(args, "--days"), Option(args, "--seed")),
                ["report", "list"] => ReportCommands.List(app),
                ["report", "run", var name] => await ReportCommands.RunAsync(app, name, Option(args, "--from"), Option(args, "--to"),
                    Option(args, "--time-zone") ?? "UTC", Option(args, "--out")),
                ["help"] => Help(0),
                _ => Help(2),
            };
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures) Console.Error.WriteLine(failure);
            return 2;
        }
        catch (ReportDefinitionException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
    }

    private static async Task<int> Serve(WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
            await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        await app.Services.GetRequiredService<ReportStartup>().PrepareAsync();
        await app.Services.GetRequiredService<InitialApiKey>().EnsureAsync();
        // Start-up (migrations, the report catalogue's check against the database, hosted services) leaves garbage
        // behind: one compacting collection once everything runs gives that memory back before the first request.
        app.Lifetime.ApplicationStarted.Register(() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
        await app.RunAsync();
        return 0;
    }

    private static async Task<int> Migrate(WebApplication app)
    {
        var applied = await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
        return 0;
    }

    private static async Task<int> CreateKey(WebApplication app, string name, string scopeList)
    {
        var scopes = scopeList.Split(',', ' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = scopes.Except(Scopes.All).ToList();
        if (unknown.Count > 0 || scopes.Length == 0)
        {
            Console.Error.WriteLine($"--scopes must list some of: {string.Join(", ", Scopes.All)} (unknown: {string.Join(", ", unknown)}).");
            return 2;
        }
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        var (id, plaintext) = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(name, scopes);
        await AuditDirect(app, "apikey.create", id.ToString(), $"{name} ({string.Join(",", scopes)})");
        Console.WriteLine($"Created API key {id} '{name}' with scopes {string.Join(",", scopes)}. It is shown only now:");
        Console.WriteLine(plaintext);
        return 0;
    }

    private static async Task<int> ListKeys(WebApplication app)
    {
        foreach (var key in await app.Services.GetRequiredService<ApiKeyStore>().ListAsync())
            Console.WriteLine($"{key.Id,5}  {key.Name,-24} chk_{key.KeyPrefix}_…  {string.Join(",", key.Scopes),-16} {(key.RevokedAt is null ? "active" : "revoked " + key.RevokedAt.Value.ToString("u"))}");
        return 0;
    }

    private static async Task<int> RevokeKey(WebApplication app, string key)
    {
        var count = await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(key);
        if (count > 0) await AuditDirect(app, "apikey.revoke", key, null);
        Console.WriteLine(count == 0 ? $"No active key matches '{key}'." : $"Revoked {count} key(s).");
        return count == 0 ? 1 : 0;
    }

    /// <summary>The command line runs without the host's background writer: the entry is written before exiting.</summary>
    private static async Task AuditDirect(WebApplication app, string action, string target, string? details)
    {
        var audit = app.Services.GetRequiredService<AuditLog>();
        audit.Write("cli:" + Environment.UserName, action, "api_key", target, null, null, details);
        using var stop = new CancellationTokenSource();
        var writer = audit.StartAsync(stop.Token);
        await audit.FlushAsync();
        await stop.CancelAsync();
        await audit.StopAsync(CancellationToken.None);
        await writer;
    }

    private static int Help(int code)
    {
        (code == 0 ? Console.Out : Console.Error).WriteLine(Usage);
        return code;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
