using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace ContactHub.Desk;

public static class DeskFeature
{
    /// <summary>The agent desk and the CRM embed: server-rendered pages, cookie sessions, anti-forgery, embed tokens.</summary>
    public static WebApplicationBuilder AddDesk(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EmbedOptions>(EmbedOptions.Section);
        builder.Services.AddRazorComponents();
        builder.Services.AddSingleton<EmbedTokens>();
        builder.Services.AddSingleton<DatabaseKeyRepository>();
        // Keys in the database: a cookie or token protected by one node is read by every other.
        builder.Services.AddDataProtection().SetApplicationName("ContactHub");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<DatabaseKeyRepository>((o, repository) => o.XmlRepository = repository);
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "contacthub.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddAuthentication().AddCookie(DeskAuth.Scheme, o =>
        {
            o.Cookie.Name = "contacthub.desk";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = "/desk/sign-in";
            o.AccessDeniedPath = "/desk/sign-in";
            o.ReturnUrlParameter = "returnUrl";
        });
        builder.AddDeskOidc();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(DeskAuth.ReadPolicy, p => p.AddAuthenticationSchemes(DeskAuth.Scheme).RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Read))
            .AddPolicy(DeskAuth.WritePolicy, p => p.AddAuthenticationSchemes(DeskAuth.Scheme).RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Write));
        return builder;
    }

    /// <summary>
    /// "Sign in with your organisation": the authorization code flow with PKCE, answered by query (so that the SameSite=Lax
    /// correlation cookies come back), the session kept in the desk cookie; roles become scopes as for bearer tokens.
    /// </summary>
    private static void AddDeskOidc(this WebApplicationBuilder builder)
    {
        var options = builder.Services.AddValidatedOptions<DeskOptions>(DeskOptions.Section);
        var oidc = builder.Configuration.GetSection(DeskOptions.Section).Get<DeskOptions>()?.Oidc ?? new();
        if (!oidc.Enabled) return;
        var authority = oidc.Authority ?? builder.Configuration[$"{SecurityOptions.Section}:Jwt:Authority"];
        // Without one, every request failed (500) once the sign-in handler asked where the provider is: say so at start-up instead.
        options.Validate(_ => !string.IsNullOrWhiteSpace(authority),
            $"{DeskOptions.Section}:Oidc:Authority is required with {DeskOptions.Section}:Oidc:ClientId (or set {SecurityOptions.Section}:Jwt:Authority, which it defaults to).");
        builder.Services.AddAuthentication().AddOpenIdConnect(DeskAuth.OidcScheme, o =>
        {
            o.Authority = authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            o.ResponseType = Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectResponseType.Code;
            o.ResponseMode = Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.SignInScheme = DeskAuth.Scheme;
            o.CallbackPath = "/desk/signin-oidc";
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.SaveTokens = false;
            o.TokenValidationParameters.NameClaimType = oidc.NameClaim;
            foreach (var scope in (oidc.Scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)) o.Scope.Add(scope);
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnTokenValidated = c =>
            {
                JwtScopes.AddScopes(c.Principal!, oidc.NameClaim);
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>Anti-forgery checks every form post (after authentication, before the endpoints).</summary>
    public static WebApplication UseDesk(this WebApplication app)
    {
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapDeskPages(this WebApplication app)
    {
        app.MapDesk();
        app.MapEmbed();
        return app;
    }
}
