using ContactHub.Hosting;
using Quartz;

namespace ContactHub.Contacts;

public static class ContactsFeature
{
    public static WebApplicationBuilder AddContacts(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ContactsOptions>(ContactsOptions.Section);
        builder.Services.AddSingleton<IdentifierNormalizer>();
        builder.Services.AddSingleton<ContactRecognizer>();
        builder.Services.AddSingleton<ContactStore>();
        builder.Services.AddSingleton<ConsentStore>();
        builder.Services.AddSingleton<MergeStore>();
        builder.Services.AddSingleton<ContactPrivacy>();
        builder.Services.AddValidatedOptions<RetentionOptions>(RetentionOptions.Section);
        builder.Services.AddTransient<RetentionJob>();
        var retention = builder.Configuration.GetSection(RetentionOptions.Section).Get<RetentionOptions>();
        if (retention is { MessageBodiesDays: > 0 } or { InteractionsDays: > 0 })
            builder.Services.AddQuartz(q =>
            {
                q.AddJob<RetentionJob>(j => j.WithIdentity(RetentionJob.Key).StoreDurably());
                q.AddTrigger(t => t.ForJob(RetentionJob.Key).WithIdentity("retention").StartAt(DateTimeOffset.UtcNow.AddMinutes(10))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(24)).RepeatForever()));
            });
        return builder;
    }
}
