using ContactHub.Data;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Security;

/// <summary>API keys and agents' JWTs from a local issuer; keys are checked on every request (no cache).</summary>
public sealed class JwtApp() : ContactHubApp(DatabaseProvider.Sqlite)
{
    public FakeIssuer Issuer { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Security:Jwt:Authority", Issuer.Authority),
        new("Security:Jwt:Audience", FakeIssuer.Audience),
        new("Security:Jwt:RequireHttpsMetadata", "false"),
        new("Security:KeyCacheDuration", "00:00:00"),
    ];

    protected override ValueTask DisposeExtrasAsync() => Issuer.DisposeAsync();
}

/// <summary>Tiny rate limits, to see them bite.</summary>
public sealed class RateLimitedApp() : ContactHubApp(DatabaseProvider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Security:RateLimits:ApiPerMinute", "5"),
        new("Security:RateLimits:WebhooksPerMinute", "3"),
        new("Twilio:AccountSid", FakeTwilio.AccountSid),
        new("Twilio:AuthToken", FakeTwilio.AuthToken),
        new("Twilio:FromNumber", "+15005550006"),
    ];
}
