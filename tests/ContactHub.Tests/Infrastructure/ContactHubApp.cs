using System.Collections.Concurrent;
using ContactHub.Data;
using ContactHub.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// The real host on a real engine, one throwaway database per test class.
/// Subclasses pick the engine: <see cref="SqliteApp"/>, <see cref="PostgresApp"/>, <see cref="SqlServerApp"/>.
/// </summary>
public abstract class ContactHubApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new();
    private readonly string _name = "chtest_" + Guid.NewGuid().ToString("N")[..16];
    private bool _dropped;

    protected ContactHubApp(DatabaseProvider provider) => Engine = TestEngine.For(provider);

    /// <summary>A second host on an existing database (another node, or the same node after a restart).</summary>
    protected ContactHubApp(DatabaseProvider provider, string connectionString) : this(provider)
    {
        ConnectionString = connectionString;
        _dropped = true; // the first host owns the database
    }

    /// <summary>The settings this host runs with; a sibling inherits them.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> AllSettings => [.. Settings];

    /// <summary>Another host on this host's database and settings, with some settings changed.</summary>
    public async Task<SiblingApp> StartSiblingAsync(params (string Key, string? Value)[] changes)
    {
        var settings = AllSettings.Where(s => !changes.Any(c => c.Key == s.Key)).Concat(changes.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value))).ToList();
        var sibling = new SiblingApp(Provider, ConnectionString, settings);
        await ((IAsyncLifetime)sibling).InitializeAsync();
        return sibling;
    }

    public TestEngine Engine { get; }

    /// <summary>Errors the host logged (unhandled exceptions among them).</summary>
    public CapturedLogs Logs { get; } = new();

    public DatabaseProvider Provider => Engine.Provider;

    public virtual string? SkipReason => Engine.SkipReason;

    public string ConnectionString { get; private set; } = "";

    public string KeyFile => Path.Combine(Path.GetTempPath(), "contacthub-tests", _name + "-initial-key.txt");

    /// <summary>Serve over real Kestrel sockets instead of the in-memory test server (limits, timeouts, protocol errors).</summary>
    protected virtual bool RealServer => false;

    /// <summary>Extra settings a test class needs (e.g. a short inactivity timeout).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public async Task InitializeAsync()
    {
        if (SkipReason is not null) return;
        if (ConnectionString.Length == 0) ConnectionString = await Engine.CreateDatabaseAsync(_name);
        // Starting the host runs the migrations and writes the initial key.
        if (RealServer)
        {
            UseKestrel(0);
            StartServer();
        }
        else
            _ = Server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("Database:ConnectionString", AppConnectionString(ConnectionString));
        builder.UseSetting("Security:InitialKeyFile", KeyFile);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The in-memory test server cannot apply request size limits and says so on every request; Kestrel tests cover the limits.
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.Routing.EndpointRoutingMiddleware", "Error");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(ConfigureTestServices);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A client whose X-Api-Key carries exactly these scopes (all three when none are named).</summary>
    public HttpClient Client(params string[] scopes)
    {
        scopes = scopes.Length == 0 ? [.. ContactHub.Security.Scopes.All] : scopes;
        return _clients.GetOrAdd(string.Join(",", scopes.Order()), _ =>
        {
            var (_, key) = Get<ApiKeyStore>().CreateAsync("test-" + string.Join("-", scopes), scopes).GetAwaiter().GetResult();
            var client = CreateClient();
            client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);
            return client;
        });
    }

    public HttpClient Anonymous() => CreateClient();

    /// <summary>How the host reaches its database (a test may put a proxy in between).</summary>
    protected virtual string AppConnectionString(string connectionString) => connectionString;

    /// <summary>Services a test class replaces (a controllable clock, …); they win over the host's own.</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services) { }

    /// <summary>Stops what a subclass started beside the host (fake servers).</summary>
    protected virtual ValueTask DisposeExtrasAsync() => ValueTask.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await DisposeExtrasAsync();
        if (_dropped || SkipReason is not null || ConnectionString.Length == 0) return;
        _dropped = true;
        await Engine.DropDatabaseAsync(ConnectionString);
        if (File.Exists(KeyFile)) File.Delete(KeyFile);
    }
}

public sealed class SqliteApp() : ContactHubApp(DatabaseProvider.Sqlite);

public sealed class PostgresApp() : ContactHubApp(DatabaseProvider.Postgres);

public sealed class SqlServerApp() : ContactHubApp(DatabaseProvider.SqlServer);

public sealed class SiblingApp(DatabaseProvider provider, string connectionString, IReadOnlyList<KeyValuePair<string, string?>> settings)
    : ContactHubApp(provider, connectionString)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => settings;

    public Task StopAsync() => ((IAsyncLifetime)this).DisposeAsync();
}

/// <summary>SQLite behind real Kestrel on a loopback port.</summary>
public sealed class KestrelSqliteApp() : ContactHubApp(DatabaseProvider.Sqlite)
{
    protected override bool RealServer => true;
}
