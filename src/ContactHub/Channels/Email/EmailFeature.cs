using ContactHub.Hosting;

namespace ContactHub.Channels.Email;

public static class EmailFeature
{
    public static WebApplicationBuilder AddEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EmailOptions>(EmailOptions.Section);
        builder.Services.AddSingleton<SmtpEmailTransport>();
        builder.Services.AddSingleton<IEmailTransport>(sp => sp.GetRequiredService<SmtpEmailTransport>());
        return builder;
    }
}
