using ContactHub.Hosting;
using Quartz;

namespace ContactHub.Channels.Email;

public static class EmailFeature
{
    public static WebApplicationBuilder AddEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EmailOptions>(EmailOptions.Section);
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<EmailOptions>, EmailTransportValidation>();
        builder.Services.AddSingleton<SmtpEmailTransport>();
        // Email:Transport picks the sender: your own SMTP server, or Exchange Online through Graph.
        builder.Services.AddSingleton<IEmailTransport>(sp =>
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmailOptions>>().Value.Transport == EmailTransportKind.Graph
                ? sp.GetRequiredService<Graph.GraphEmailTransport>()
                : sp.GetRequiredService<SmtpEmailTransport>());
        builder.Services.AddSingleton<InboundEmailRecorder>();
        builder.Services.AddSingleton<ImapIngest>();
        builder.Services.AddTransient<ImapIngestJob>();

        var imap = builder.Configuration.GetSection(EmailOptions.Section).Get<EmailOptions>()?.Imap;
        if (imap is { Enabled: true })
            builder.Services.AddQuartz(q =>
            {
                q.AddJob<ImapIngestJob>(j => j.WithIdentity(ImapIngestJob.Key).StoreDurably());
                q.AddTrigger(t => t.ForJob(ImapIngestJob.Key).WithIdentity("imap-ingest").StartAt(DateTimeOffset.UtcNow + imap.PollInterval)
                    .WithSimpleSchedule(s => s.WithInterval(imap.PollInterval >= TimeSpan.FromSeconds(1) ? imap.PollInterval : TimeSpan.FromMinutes(1)).RepeatForever()));
            });
        return builder;
    }
}
