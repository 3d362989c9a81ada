using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace ContactHub.Hosting;

public static class HostingExtensions
{
    private const string PollingFileWatcher = "DOTNET_USE_POLLING_FILE_WATCHER";

    /// <summary>
    /// Settings files are reloaded on change by polling them (every 4 s) instead of an inotify watcher over the content root's whole
    /// tree, which holds the default database (data/contacthub.db): that watcher woke on every write to the database's WAL, 16% of an
    /// import's time (measured 2026-11-26). Call before the builder exists; an operator's own DOTNET_USE_POLLING_FILE_WATCHER wins.
    /// </summary>
    public static void WatchSettingsByPolling()
    {
        if (Environment.GetEnvironmentVariable(PollingFileWatcher) is null) Environment.SetEnvironmentVariable(PollingFileWatcher, "true");
    }

    /// <summary>Errors as ProblemDetails, OpenAPI, telemetry, and running as a service.</summary>
    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? c.HttpContext.TraceIdentifier;
            BindingProblems.Describe(c);
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        // Binding failures become exceptions so that the handler can name the field at fault.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower));
            o.SerializerOptions.Converters.Add(new InstantJsonConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // Customer text may hold markup: <, >, &, ' and " are escaped in every answer; other Unicode stays readable.
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        });
        builder.Services.AddOpenApi(OpenApiExamples.Configure);
        builder.Services.AddHealthChecks();
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "ContactHub");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.Section);
        builder.AddTelemetry();
        return builder;
    }

    private static void AddTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new();
        if (string.IsNullOrEmpty(options.Endpoint) || !Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint))
            return; // nothing to export to: no instrumentation cost on the hot paths
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddSqlClientInstrumentation().AddNpgsql().AddSource("Quartz"))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddMeter("Npgsql", "ContactHub"))
            .UseOtlpExporter(options.Protocol, endpoint);
    }

    /// <summary>Errors as ProblemDetails, for everything that follows.</summary>
    public static WebApplication UseHosting(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static WebApplication MapHosting(this WebApplication app)
    {
        // Open to anyone: probes, and the API's description (it holds no data).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithTags("Health").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).WithTags("Health").AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/scalar", o => o.WithTitle("ContactHub API").AddApiKeyAuthentication("ApiKey", _ => { })).AllowAnonymous();
        return app;
    }
}
