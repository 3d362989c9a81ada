using ContactHub.Data;
using ContactHub.Tests.Conversations;
using ContactHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ContactHub.Tests.Desk;

/// <summary>
/// Headless Chromium driven by Playwright: Debian's own browser (installed by test.sh), since Playwright's download
/// is not reachable here. One per test class; each page gets a fresh context (its own cookies).
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public static readonly string? Chromium = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_CHROMIUM") is { Length: > 0 } path ? path
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;

    /// <summary>Why the browser tests cannot run here (null when they can); under CI=true a missing browser is a failure.</summary>
    public static string? SkipReason => Chromium is null
        ? (TestEngine.InCi ? throw new InvalidOperationException("CI=true but Chromium is missing: run ./test.sh (it installs the chromium package).")
            : "Chromium is not installed (./test.sh installs it)")
        : null;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        // Expectations poll rather than wait for events; on CI's two shared cores a page can take longer than the 5 s default.
        Assertions.SetDefaultExpectTimeout(15_000);
        return new Browser(playwright, await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] }));
    }

    public async Task<IPage> NewPageAsync(string baseUrl, int width = 1280, int height = 800, string locale = "en-GB", string? timeZone = null)
    {
        var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = locale, BaseURL = baseUrl, TimezoneId = timeZone });
        return await context.NewPageAsync();
    }

    /// <summary>The loopback address a real-Kestrel test host listens on.</summary>
    public static string AddressOf(IServiceProvider services) => services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "127.0.0.1").TrimEnd('/');

    /// <summary>Where the docs' screenshots live (the tests refresh them).</summary>
    public static string DocsImages
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(root.FullName, "ContactHub.sln"))) root = root.Parent!;
            return Path.Combine(root.FullName, "docs", "images");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>The service on real Kestrel with Twilio's fake and the SMTP server, and a browser.</summary>
public sealed class DeskApp() : MessagingApp(DatabaseProvider.Sqlite), IAsyncLifetime
{
    public override string? SkipReason => base.SkipReason ?? Desk.Browser.SkipReason;

    protected override bool RealServer => true;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Embed:AllowedOrigins:0", "https://contoso.crm4.dynamics.com"),
        new("Security:RateLimits:ApiPerMinute", "0"),
    ];

    public Browser? Browser { get; private set; }

    public string BaseUrl => Desk.Browser.AddressOf(Services);

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        if (SkipReason is null) Browser = await Desk.Browser.LaunchAsync();
    }

    public Task<IPage> NewPageAsync(int width = 1280, int height = 800, string locale = "en-GB", string? timeZone = null) =>
        Browser!.NewPageAsync(BaseUrl, width, height, locale, timeZone);

    protected override async ValueTask DisposeExtrasAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        await base.DisposeExtrasAsync();
    }
}

/// <summary>The desk with "sign in with your organisation" against the fake OpenID Connect provider.</summary>
public sealed class DeskOidcApp() : ContactHubApp(DatabaseProvider.Sqlite), IAsyncLifetime
{
    public FakeIssuer Issuer { get; } = new();

    public override string? SkipReason => Engine.SkipReason ?? Desk.Browser.SkipReason;

    protected override bool RealServer => true;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Desk:Oidc:Authority", Issuer.Authority),
        new("Desk:Oidc:ClientId", "contacthub-desk"),
        new("Desk:Oidc:RequireHttpsMetadata", "false"),
    ];

    public Browser? Browser { get; private set; }

    public string BaseUrl => Desk.Browser.AddressOf(Services);

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        if (SkipReason is null) Browser = await Desk.Browser.LaunchAsync();
    }

    protected override async ValueTask DisposeExtrasAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
