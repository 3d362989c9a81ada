using ContactHub.Hosting;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

public static class ReportsFeature
{
    public static WebApplicationBuilder AddReports(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ReportsOptions>(ReportsOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<ReportsOptions>, ScheduleEmailValidation>();
        builder.Services.AddSingleton<ReportCatalogue>();
        builder.Services.AddSingleton<ReportQueries>();
        builder.Services.AddValidatedOptions<ServiceLevelOptions>(ServiceLevelOptions.Section);
        builder.Services.AddSingleton<ServiceLevels>();
        builder.Services.AddSingleton<IReportSource>(sp => sp.GetRequiredService<ServiceLevels>());
        builder.Services.AddSingleton<IReportSource, DemandByHour>();
        builder.Services.AddHttpClient("teams-webhook", c => c.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<IReportDestination, TeamsWebhookDestination>();
        builder.Services.AddSingleton<ReportRunStore>();
        builder.Services.AddSingleton<ReportDeliveryStore>();
        builder.Services.AddSingleton<ReportScheduleStore>();
        builder.Services.AddSingleton<ReportRunner>();
        builder.Services.AddSingleton<ReportScheduler>();
        builder.Services.AddSingleton<ReportStartup>().AddStartupTask<ReportStartup>();
        builder.Services.AddCommand(new(["report", "list"], 0, "report list                                list the report catalogue", (app, _, _) => Task.FromResult(ReportCommands.List(app))));
        builder.Services.AddCommand(new(["report", "run"], 1, """
            report run NAME --from yyyy-MM-dd --to yyyy-MM-dd [--time-zone Europe/Paris] --out FILE.xlsx
                                                       generate a report for whole local days [from, to], showing progress
            """, (app, words, args) => ReportCommands.RunAsync(app, words[0], args.Option("--from"), args.Option("--to"), args.Option("--time-zone") ?? "UTC", args.Option("--out"))));
        builder.Services.AddSingleton<InteractionExport>();
        builder.Services.AddTransient<ReportScheduleJob>();
        builder.Services.AddTransient<ReportRunJob>();
        return builder;
    }
}
