using ContactHub.Hosting;

namespace ContactHub.FollowUps;

public static class FollowUpsFeature
{
    public static WebApplicationBuilder AddFollowUps(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FollowUpStore>();
        return builder;
    }
}
