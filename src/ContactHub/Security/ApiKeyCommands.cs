using ContactHub.Data;
using ContactHub.Hosting;

namespace ContactHub.Security;

/// <summary><c>apikey create|list|revoke</c>: key administration from the command line, audited like the API.</summary>
public static class ApiKeyCommands
{
    public static IServiceCollection AddApiKeyCommands(this IServiceCollection services) => services
        .AddCommand(new(["apikey", "create"], 0, "apikey create --name NAME --scopes a,b     create a key (scopes: read, write, admin); prints it once",
            (app, _, args) => CreateKey(app, args.Option("--name") ?? "api", args.Option("--scopes") ?? Scopes.Read)))
        .AddCommand(new(["apikey", "list"], 0, "apikey list                                list keys (never their secrets)", (app, _, _) => ListKeys(app)))
        .AddCommand(new(["apikey", "revoke"], 1, "apikey revoke ID|NAME|PREFIX               revoke a key", (app, words, _) => RevokeKey(app, words[0])));

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
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        foreach (var key in await app.Services.GetRequiredService<ApiKeyStore>().ListAsync())
            Console.WriteLine($"{key.Id,5}  {key.Name,-24} chk_{key.KeyPrefix}_…  {string.Join(",", key.Scopes),-16} {(key.RevokedAt is null ? "active" : "revoked " + key.RevokedAt.Value.ToString("u"))}");
        return 0;
    }

    private static async Task<int> RevokeKey(WebApplication app, string key)
    {
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
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
}
