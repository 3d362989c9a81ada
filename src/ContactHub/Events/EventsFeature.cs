using ContactHub.Hosting;

namespace ContactHub.Events;

public static class EventsFeature
{
    public static WebApplicationBuilder AddEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EventsOptions>(EventsOptions.Section);
        builder.Services.AddSingleton<EventSignals>();
        builder.Services.AddSingleton<EventLog>();
        builder.Services.AddSingleton<EventStream>();
        builder.Services.AddSingleton<SubscriptionStore>();
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddSingleton<EventSequencer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventSequencer>());
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        // Webhooks do not follow redirects: the subscription's URL is the one an administrator approved.
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventsOptions>>().Value.DeliveryTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        return builder;
    }
}
