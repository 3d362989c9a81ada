using System.Threading.RateLimiting;
using ContactHub.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace ContactHub.Security;

public static class SecurityExtensions
{
    private const string Selector = "ApiKeyOrJwt";

    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SecurityOptions>(SecurityOptions.Section);
        var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<VerifiedKeys>();
        builder.Services.AddSingleton<InitialApiKey>().AddStartupTask<InitialApiKey>();
        builder.Services.AddApiKeyCommands();
        // The OpenAPI document shows the X-Api-Key scheme and each operation's scope.
        builder.Services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", OpenApiSecurity.Configure);
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());

        // A bearer token goes to JWT validation, anything else to the API key handler.
        var authentication = builder.Services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, Selector, o => o.ForwardDefaultSelector = http =>
                security.Jwt.Enabled && http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (security.Jwt.Enabled)
            authentication.AddJwtBearer(o =>
            {
                o.Authority = security.Jwt.Authority;
                o.Audience = security.Jwt.Audience;
                o.RequireHttpsMetadata = security.Jwt.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = security.Jwt.NameClaim;
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = c =>
                    {
                        JwtScopes.AddScopes(c.Principal!, security.Jwt.NameClaim);
                        return Task.CompletedTask;
                    },
                    OnChallenge = async c =>
                    {
                        c.HandleResponse();
                        await Problem(c.HttpContext, 401, "Authentication required", "Send a valid API key (X-Api-Key) or bearer token.");
                    },
                    OnForbidden = c => Problem(c.HttpContext, 403, "Forbidden", Scopes.Missing(c.HttpContext, "token")),
                };
            });

        builder.Services.AddAuthorizationBuilder()
            // A route that says nothing about who may call it needs an authenticated caller; open routes say AllowAnonymous.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Scopes.Read, p => p.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Read))
            .AddPolicy(Scopes.Write, p => p.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Write))
            .AddPolicy(Scopes.Admin, p => p.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, Scopes.Admin));

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, security.RateLimits));
            o.OnRejected = async (context, _) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 60;
                context.HttpContext.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problem(context.HttpContext, 429, "Too many requests", $"Rate limit reached; retry after {retry} s.");
            };
        });

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear(); // the proxy in front is whoever the operator put there
            o.KnownProxies.Clear();
        });
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        var origins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        if (origins.Length > 0)
            builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("Location", "Retry-After")));
        return builder;
    }

    /// <summary>/api per API key (or agent, or IP when anonymous); /webhooks per client IP; everything else unlimited.</summary>
    private static RateLimitPartition<string> Partition(HttpContext http, SecurityOptions.RateLimitSettings limits)
    {
        var path = http.Request.Path;
        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (path.StartsWithSegments("/webhooks") && limits.WebhooksPerMinute > 0)
            return RateLimitPartition.GetFixedWindowLimiter("webhooks:" + ip, _ => Window(limits.WebhooksPerMinute));
        if (path.StartsWithSegments("/api") && limits.ApiPerMinute > 0)
        {
            var caller = http.User.FindFirst("api_key_id")?.Value is { } key ? "key:" + key
                : http.User.Identity?.Name is { } name ? "user:" + name
                : "ip:" + ip;
            return RateLimitPartition.GetFixedWindowLimiter("api:" + caller, _ => Window(limits.ApiPerMinute));
        }
        return RateLimitPartition.GetNoLimiter("none");
    }

    private static FixedWindowRateLimiterOptions Window(int perMinute) =>
        new() { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };

    private static Task Problem(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    /// <summary>Proxy headers, HTTPS, security headers, CORS, authentication, rate limits, authorization — in that order.</summary>
    public static WebApplication UseSecurity(this WebApplication app)
    {
        var security = app.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new();
        if (security.TrustForwardedHeaders) app.UseForwardedHeaders();
        if (security.RequireHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        app.Use(SecurityHeaders);
        if ((app.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? []).Length > 0) app.UseCors();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    private static Task SecurityHeaders(HttpContext http, Func<Task> next)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // The CRM embed is the one page meant to be framed; the API reference has its own inline script.
        if (!http.Request.Path.StartsWithSegments("/embed")) headers.XFrameOptions = "DENY";
        if (http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/webhooks"))
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        return next();
    }
}
