using ContactHub.Data;
using ContactHub.Tests.FollowUps;
using ContactHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ContactHub.Tests.Desk;

/// <summary>
/// The service on real Kestrel with Twilio's fake and the SMTP server, and a headless Chromium (Debian's, installed by
/// test.sh; Playwright's own browser download is not reachable here) driven by Playwright.
/// </summary>
public sealed class DeskApp() : MessagingApp(DatabaseProvider.Sqlite), IAsyncLifetime
{
    public static readonly string? Chromium = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_CHROMIUM") is { Length: > 0 } path ? path
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;

    public override string? SkipReason => base.SkipReason ?? (Chromium is null
        ? (TestEngine.InCi ? throw new InvalidOperationException("CI=true but Chromium is missing: run ./test.sh (it installs the chromium package).")
            : "Chromium is not installed (./test.sh installs it)")
        : null);

    protected override bool RealServer => true;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Embed:AllowedOrigins:0", "https://contoso.crm4.dynamics.com"),
        new("Security:RateLimits:ApiPerMinute", "0"),
    ];

    public IPlaywright? Playwright { get; private set; }

    public IBrowser? Browser { get; private set; }

    /// <summary>The service's own address on loopback.</summary>
    public string BaseUrl => Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "127.0.0.1").TrimEnd('/');

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        if (SkipReason is not null) return;
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A fresh browser context (its own cookies) at a given size and language.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800, string locale = "en-GB")
    {
        var context = await Browser!.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = locale, BaseURL = BaseUrl });
        return await context.NewPageAsync();
    }

    protected override async ValueTask DisposeExtrasAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        await base.DisposeExtrasAsync();
    }

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
}

/// <summary>The desk with "sign in with your organisation" against the fake OpenID Connect provider.</summary>
public sealed class DeskOidcApp() : ContactHubApp(DatabaseProvider.Sqlite), IAsyncLifetime
{
    public FakeIssuer Issuer { get; } = new();

    public override string? SkipReason => Engine.SkipReason ?? (DeskApp.Chromium is null
        ? (TestEngine.InCi ? throw new InvalidOperationException("CI=true but Chromium is missing: run ./test.sh.") : "Chromium is not installed (./test.sh installs it)")
        : null);

    protected override bool RealServer => true;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Desk:Oidc:Authority", Issuer.Authority),
        new("Desk:Oidc:ClientId", "contacthub-desk"),
        new("Desk:Oidc:RequireHttpsMetadata", "false"),
    ];

    public IPlaywright? Playwright { get; private set; }

    public IBrowser? Browser { get; private set; }

    public string BaseUrl => Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "127.0.0.1").TrimEnd('/');

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        if (SkipReason is not null) return;
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = DeskApp.Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    protected override async ValueTask DisposeExtrasAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        await Issuer.DisposeAsync();
    }
}
