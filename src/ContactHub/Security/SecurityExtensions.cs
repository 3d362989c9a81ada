using ContactHub.Hosting;

namespace ContactHub.Security;

public static class SecurityExtensions
{
    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SecurityOptions>(SecurityOptions.Section);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<InitialApiKey>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Scopes.Read, p => p.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Read))
            .AddPolicy(Scopes.Write, p => p.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Write))
            .AddPolicy(Scopes.Admin, p => p.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Admin));
        return builder;
    }
}
