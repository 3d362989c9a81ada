using ContactHub.Hosting;
using ContactHub.Outbox;
using Microsoft.Extensions.Options;
using Quartz;

namespace ContactHub.Channels.Email;

public static class EmailFeature
{
    public static WebApplicationBuilder AddEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EmailOptions>(EmailOptions.Section);
        builder.Services.AddKeyedSingleton<IEmailTransport, SmtpEmailTransport>(EmailTransportKind.Smtp);
        // Email:Transport picks the sender among the registered transports: your own SMTP server, or another (Graph registers itself).
        builder.Services.AddSingleton(sp =>
            sp.GetRequiredKeyedService<IEmailTransport>(sp.GetRequiredService<IOptions<EmailOptions>>().Value.Transport));
        builder.Services.AddOutboundChannel<EmailChannel>();
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
