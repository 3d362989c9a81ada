using ContactHub.Hosting;

namespace ContactHub.Channels.Crm;

public static class CrmFeature
{
    /// <summary>The CRM write-back connectors (each enabled by its settings) and the runner that feeds them the event log.</summary>
    public static WebApplicationBuilder AddCrmConnectors(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CrmOptions>(CrmOptions.Section);
        builder.Services.AddSingleton<CrmStore>();
        builder.Services.AddSingleton<CrmWriter>();
        builder.Services.AddHttpClient("dynamics", c => c.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddHttpClient("salesforce", c => c.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<ICrmConnector, DynamicsConnector>();
        builder.Services.AddSingleton<ICrmConnector, SalesforceConnector>();
        builder.Services.AddSingleton<CrmRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CrmRunner>());
        return builder;
    }
}
