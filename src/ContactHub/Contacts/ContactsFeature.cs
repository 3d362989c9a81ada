using ContactHub.Hosting;

namespace ContactHub.Contacts;

public static class ContactsFeature
{
    public static WebApplicationBuilder AddContacts(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ContactsOptions>(ContactsOptions.Section);
        builder.Services.AddSingleton<IdentifierNormalizer>();
        builder.Services.AddSingleton<ContactRecognizer>();
        builder.Services.AddSingleton<ContactStore>();
        builder.Services.AddSingleton<MergeStore>();
        return builder;
    }
}
