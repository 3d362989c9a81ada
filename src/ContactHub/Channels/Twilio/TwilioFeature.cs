using ContactHub.Contacts;
using ContactHub.Data;
using ContactHub.Hosting;
using ContactHub.Outbox;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ContactHub.Channels.Twilio;

public static class TwilioFeature
{
    public static WebApplicationBuilder AddTwilio(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<TwilioOptions>(TwilioOptions.Section);
        builder.Services.AddSingleton<TwilioSignatureFilter>();
        builder.Services.AddSingleton<RecordingStore>();
        builder.Services.AddSingleton<IErasureParticipant>(sp => sp.GetRequiredService<RecordingStore>());
        builder.Services.AddSingleton<IContactSearchSource>(sp => sp.GetRequiredService<RecordingStore>());
        builder.Services.AddSingleton<RecordingLinks>();
        builder.Services.AddRecurringJob<TwilioRecordingJob>(TwilioRecordingJob.Key, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        builder.Services.AddOutboundChannel<TwilioSmsChannel>();
        builder.Services.AddOutboundChannel<TwilioWhatsAppChannel>();
        builder.Services.AddTransient<TwilioEndpointHandler>();
        builder.Services.AddHttpClient<TwilioApi>()
            .AddHttpMessageHandler<TwilioEndpointHandler>()
            .AddResilienceHandler("twilio", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<TwilioOptions>>().Value;
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    // 429 and 5xx mean Twilio did not take the message; a refused connection never reached it.
                    // A timeout is not retried here: Twilio may have accepted the message (it has no idempotency key).
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                    {
                        { Result: { } response } => (int)response.StatusCode is 429 or >= 500,
                        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
                        _ => false,
                    }),
                });
                pipeline.AddTimeout(options.Timeout);
            });
        return builder;
    }
}
