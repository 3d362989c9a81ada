namespace ContactHub.Campaigns;

public static class CampaignsFeature
{
    public static WebApplicationBuilder AddCampaigns(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConsentStore>();
        return builder;
    }
}
