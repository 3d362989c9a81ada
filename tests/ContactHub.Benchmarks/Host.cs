using ContactHub.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ContactHub.Benchmarks;

/// <summary>
/// The real service on Kestrel (loopback) over a fresh SQLite file — or, when <see cref="Postgres"/> is set
/// (<c>--postgres "Host=…;Username=…;Password=…;Database=postgres"</c>, a role that may create databases), a fresh
/// PostgreSQL database dropped afterwards — as the benchmarks drive it.
/// </summary>
public sealed class Host : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("contacthub-bench-").FullName;
    private readonly string? _database;

    /// <summary>The PostgreSQL server to measure on instead of SQLite (null: SQLite).</summary>
    public static string? Postgres { get; set; }

    public static string Engine => Postgres is null ? "SQLite" : "PostgreSQL";

    public Host()
    {
        if (Postgres is not null)
        {
            _database = "chbench_" + Guid.NewGuid().ToString("N")[..12];
            using var admin = new Npgsql.NpgsqlConnection(Postgres);
            admin.Open();
            using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {_database}", admin);
            create.ExecuteNonQuery();
        }
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
        if (_database is null)
            builder.UseSetting("Database:ConnectionString", $"Data Source={_folder}/bench.db");
        else
        {
            builder.UseSetting("Database:Provider", "Postgres");
            builder.UseSetting("Database:ConnectionString", new Npgsql.NpgsqlConnectionStringBuilder(Postgres) { Database = _database, MaxPoolSize = 40 }.ToString());
        }
        builder.UseSetting("Security:InitialKeyFile", $"{_folder}/key.txt");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Outbox:DispatcherEnabled", "false");
        // A channel to queue on (nothing is sent: the dispatcher is off); a campaign on an unconfigured channel is refused.
        builder.UseSetting("Twilio:AccountSid", "AC00000000000000000000000000000000");
        builder.UseSetting("Twilio:AuthToken", "bench-auth-token-placeholder");
        builder.UseSetting("Twilio:FromNumber", "+15550000000");
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
        if (_database is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            using var admin = new Npgsql.NpgsqlConnection(Postgres);
            admin.Open();
            using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
        }
    }
}
