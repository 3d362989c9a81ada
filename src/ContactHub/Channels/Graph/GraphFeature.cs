using ContactHub.Channels.Email;
using ContactHub.Data;
using ContactHub.Hosting;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Graph;

public static class GraphFeature
{
    public static WebApplicationBuilder AddGraph(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GraphOptions>(GraphOptions.Section);
        builder.Services.AddHttpClient("graph");
        builder.Services.AddHttpClient("graph-token");
        builder.Services.AddSingleton<GraphTokenProvider>();
        builder.Services.AddSingleton<GraphClient>();
        builder.Services.AddKeyedSingleton<IEmailTransport, GraphEmailTransport>(EmailTransportKind.Graph);
        builder.Services.AddSingleton<IValidateOptions<EmailOptions>, GraphSendValidation>();
        builder.Services.AddSingleton<GraphMailboxSync>();
        builder.Services.AddSingleton<TeamsCallSync>();
        builder.Services.AddSingleton<ContactHub.Reports.IReportDestination, SharePointDestination>();
        builder.Services.AddTransient<GraphSyncJob>();

        var graph = builder.Configuration.GetSection(GraphOptions.Section).Get<GraphOptions>();
        if (graph is { Enabled: true } && (graph.Mailboxes.Count > 0 || graph.PstnCalls))
            builder.Services.AddRecurringJob<GraphSyncJob>(GraphSyncJob.Key, graph.PollInterval, TimeSpan.FromMinutes(2));
        return builder;
    }
}
