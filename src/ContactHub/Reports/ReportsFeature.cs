using ContactHub.Hosting;

namespace ContactHub.Reports;

public static class ReportsFeature
{
    public static WebApplicationBuilder AddReports(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ReportsOptions>(ReportsOptions.Section);
        builder.Services.AddSingleton<ReportCatalogue>();
        builder.Services.AddSingleton<ReportQueries>();
        builder.Services.AddSingleton<ReportRunStore>();
        builder.Services.AddSingleton<ReportScheduleStore>();
        builder.Services.AddSingleton<ReportRunner>();
        builder.Services.AddSingleton<ReportScheduler>();
        builder.Services.AddSingleton<ReportStartup>();
        builder.Services.AddSingleton<InteractionExport>();
        builder.Services.AddTransient<ReportScheduleJob>();
        builder.Services.AddTransient<ReportRunJob>();
        return builder;
    }
}
