using ContactHub.Data;
using ContactHub.Hosting;
using ContactHub.Outbox;
using Microsoft.Extensions.Options;

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
            builder.Services.AddRecurringJob<ImapIngestJob>(ImapIngestJob.Key, imap.PollInterval, TimeSpan.FromMinutes(1));
        return builder;
    }
}
