using ContactHub.Hosting;
using Quartz;

namespace ContactHub.Channels.Email;

public static class EmailFeature
{
    public static WebApplicationBuilder AddEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EmailOptions>(EmailOptions.Section);
        builder.Services.AddSingleton<SmtpEmailTransport>();
        builder.Services.AddSingleton<IEmailTransport>(sp => sp.GetRequiredService<SmtpEmailTransport>());
        builder.Services.AddSingleton<InboundEmailRecorder>();
        builder.Services.AddSingleton<ImapIngest>();
        builder.Services.AddTransient<ImapIngestJob>();

        var imap = builder.Configuration.GetSection(EmailOptions.Section).Get<EmailOptions>()?.Imap;
        if (imap is { Enabled: true })
            builder.Services.AddQuartz(q =>
            {
                q.AddJob<ImapIngestJob>(j => j.WithIdentity(ImapIngestJob.Key).StoreDurably());
                q.AddTrigger(t => t.ForJob(ImapIngestJob.Key).WithIdentity("imap-ingest").StartAt(DateTimeOffset.UtcNow.AddSeconds(5))
                    .WithSimpleSchedule(s => s.WithInterval(imap.PollInterval >= TimeSpan.FromSeconds(1) ? imap.PollInterval : TimeSpan.FromMinutes(1)).RepeatForever()));
            });
        return builder;
    }
}
