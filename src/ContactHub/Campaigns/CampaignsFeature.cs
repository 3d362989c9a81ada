using ContactHub.Data;
using ContactHub.Hosting;

namespace ContactHub.Campaigns;

public static class CampaignsFeature
{
    public static WebApplicationBuilder AddCampaigns(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CampaignOptions>(CampaignOptions.Section);
        builder.Services.AddSingleton<CampaignStore>();
        builder.Services.AddSingleton<CampaignTriggers>();
        builder.Services.AddSingleton<CampaignEvaluator>();
        builder.Services.AddSingleton<CampaignAudience>();
        builder.Services.AddValidatedOptions<CsatOptions>(CsatOptions.Section);
        builder.Services.AddSingleton<CsatStore>();
        var interval = builder.Configuration.GetSection(CampaignOptions.Section).Get<CampaignOptions>()?.EvaluationInterval ?? TimeSpan.FromMinutes(1);
        builder.Services.AddRecurringJob<CampaignEvaluatorJob>(CampaignEvaluatorJob.Key, interval, TimeSpan.FromMinutes(1));
        return builder;
    }
}
