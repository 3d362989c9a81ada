using ContactHub.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ContactHub.Benchmarks;

/// <summary>The real service on Kestrel (loopback) over a fresh SQLite file, as the benchmarks drive it.</summary>
public sealed class Host : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("contacthub-bench-").FullName;

    public Host()
    {
        // The service's own folder (appsettings.json, templates), found from the repository root.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ContactHub.sln"))) root = root.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CONTACTHUB", Path.Combine(root!.FullName, "src", "ContactHub"));
        UseKestrel(0);
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:ConnectionString", $"Data Source={_folder}/bench.db");
        builder.UseSetting("Security:InitialKeyFile", $"{_folder}/key.txt");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Outbox:DispatcherEnabled", "false");
        builder.UseSetting("Campaigns:EvaluationInterval", "01:00:00");
        builder.UseSetting("Security:RateLimits:ApiPerMinute", "0");
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public HttpClient Client(params string[] scopes)
    {
        var (_, key) = Get<ApiKeyStore>().CreateAsync("bench", scopes.Length == 0 ? Scopes.All : scopes).GetAwaiter().GetResult();
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
