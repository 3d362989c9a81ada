using ContactHub.Hosting;

namespace ContactHub.Outbox;

public static class OutboxFeature
{
    public static WebApplicationBuilder AddOutbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<OutboxOptions>(OutboxOptions.Section);
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddSingleton<OutboundChannels>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return builder;
    }

    /// <summary>Makes a channel available to the dispatcher: the one line a new outbound channel adds to its feature.</summary>
    public static IServiceCollection AddOutboundChannel<T>(this IServiceCollection services) where T : class, IOutboundChannel =>
        services.AddSingleton<IOutboundChannel, T>();
}
