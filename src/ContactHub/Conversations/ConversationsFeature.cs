using ContactHub.Data;
using ContactHub.Hosting;

namespace ContactHub.Conversations;

public static class ConversationsFeature
{
    public static WebApplicationBuilder AddConversations(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ConversationsOptions>(ConversationsOptions.Section);
        builder.Services.AddSingleton<InteractionRecorder>();
        builder.Services.AddSingleton<BulkRecorder>();
        builder.Services.AddSingleton<ConversationStore>();
        builder.Services.AddSingleton<WrapUpCodeStore>();
        builder.Services.AddSingleton<ContactHistory>();
        builder.Services.AddValidatedOptions<TemplatesOptions>(TemplatesOptions.Section);
        builder.Services.AddSingleton<TemplateRenderer>();
        builder.Services.AddSingleton<ConversationMessenger>();
        builder.Services.AddSingleton<MessageTemplateStore>();
        builder.Services.AddSingleton<WhatsAppWindow>();
        builder.Services.AddTransient<EndIdleConversationsJob>();
        builder.Services.AddCommand(new(["import"], 1, """
            import FILE.csv [--time-zone Europe/Paris] [--date-format "dd/MM/yyyy HH:mm"]
                                                       record interactions from CSV (columns in the README; - reads stdin); times
                                                       in ISO 8601 or --date-format, without an offset in --time-zone (UTC if none)
            """, (app, words, args) => ImportCommand.RunAsync(app, words[0], args.Option("--time-zone"), args.Option("--date-format"))));

        var interval = builder.Configuration.GetSection(ConversationsOptions.Section).Get<ConversationsOptions>()?.IdleCheckInterval ?? TimeSpan.FromMinutes(1);
        builder.Services.AddRecurringJob<EndIdleConversationsJob>(EndIdleConversationsJob.Key, interval, TimeSpan.FromMinutes(1), firstAfter: TimeSpan.FromSeconds(10));
        return builder;
    }
}
