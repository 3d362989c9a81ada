using ContactHub.Hosting;

namespace ContactHub.FollowUps;

public static class FollowUpsFeature
{
    public static WebApplicationBuilder AddFollowUps(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<TemplatesOptions>(TemplatesOptions.Section);
        builder.Services.AddSingleton<TemplateRenderer>();
        builder.Services.AddSingleton<ConversationMessenger>();
        builder.Services.AddSingleton<FollowUpStore>();
        return builder;
    }
}
