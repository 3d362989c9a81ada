using ContactHub.Hosting;
using Quartz;

namespace ContactHub.Campaigns;

public static class CampaignsFeature
{
    public static WebApplicationBuilder AddCampaigns(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CampaignOptions>(CampaignOptions.Section);
        builder.Services.AddSingleton<CampaignStore>();
        builder.Services.AddSingleton<CampaignTriggers>();
        builder.Services.AddSingleton<CampaignEvaluator>();
        builder.Services.AddTransient<CampaignEvaluatorJob>();
        var interval = builder.Configuration.GetSection(CampaignOptions.Section).Get<CampaignOptions>()?.EvaluationInterval ?? TimeSpan.FromMinutes(1);
        if (interval < TimeSpan.FromSeconds(1)) interval = TimeSpan.FromMinutes(1);
        builder.Services.AddQuartz(q =>
        {
            q.AddJob<CampaignEvaluatorJob>(j => j.WithIdentity(CampaignEvaluatorJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(CampaignEvaluatorJob.Key).WithIdentity("campaign-evaluator").StartAt(DateTimeOffset.UtcNow + interval)
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()));
        });
        return builder;
    }
}
