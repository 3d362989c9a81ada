using ContactHub.Data;
using ContactHub.Hosting;

namespace ContactHub.Contacts;

public static class ContactsFeature
{
    public static WebApplicationBuilder AddContacts(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ContactsOptions>(ContactsOptions.Section);
        builder.Services.AddSingleton<IdentifierNormalizer>();
        builder.Services.AddSingleton<ContactNames>().AddStartupTask<ContactNames>();
        builder.Services.AddSingleton<ContactRecognizer>();
        builder.Services.AddSingleton<ContactStore>();
        builder.Services.AddSingleton<TagStore>();
        builder.Services.AddSingleton<ContactAttributeStore>();
        builder.Services.AddSingleton<ConsentStore>();
        builder.Services.AddSingleton<MergeStore>();
        builder.Services.AddSingleton<ContactPrivacy>();
        builder.Services.AddValidatedOptions<RetentionOptions>(RetentionOptions.Section);
        builder.Services.AddTransient<RetentionJob>();
        var retention = builder.Configuration.GetSection(RetentionOptions.Section).Get<RetentionOptions>();
        if (retention is { MessageBodiesDays: > 0 } or { InteractionsDays: > 0 })
            builder.Services.AddRecurringJob<RetentionJob>(RetentionJob.Key, TimeSpan.FromHours(24), TimeSpan.FromHours(24), firstAfter: TimeSpan.FromMinutes(10));
        return builder;
    }
}
