using ContactHub.Channels.Twilio;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Channels.Twilio;

/// <summary>The host with Twilio configured against a local fake of its REST API, behind a public proxy URL.</summary>
public abstract class TwilioApp(DatabaseProvider provider) : ContactHubApp(provider)
{
    public const string PublicBaseUrl = "https://contacthub.example.com";

    public FakeTwilio Twilio { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Twilio:AccountSid", FakeTwilio.AccountSid),
        new("Twilio:AuthToken", FakeTwilio.AuthToken),
        new("Twilio:FromNumber", "+15005550006"),
        new("Twilio:WhatsAppFrom", "whatsapp:+14155238886"),
        new("Twilio:PublicBaseUrl", PublicBaseUrl),
        new("Twilio:ApiBaseUrl", Twilio.BaseUrl),
        new("Twilio:RetryBaseDelay", "00:00:00.020"),
        new("Twilio:Timeout", "00:00:02"),
        new("Contacts:DefaultRegion", "FR"),
    ];

    /// <summary>Posts a form the way Twilio does, signed with the account's auth token for the public URL.</summary>
    public Task<HttpResponseMessage> PostSigned(string path, IDictionary<string, string> form, string? signature = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.ExpectContinue = true; // an oversized form is refused on its headers, before it is sent
        request.Headers.Add("X-Twilio-Signature", signature ?? TwilioSigner.Sign(FakeTwilio.AuthToken, PublicBaseUrl + path, form));
        return (client ?? Anonymous()).SendAsync(request);
    }

    protected override ValueTask DisposeExtrasAsync() => Twilio.DisposeAsync();
}

public sealed class TwilioSqliteApp() : TwilioApp(DatabaseProvider.Sqlite);

public sealed class TwilioPostgresApp() : TwilioApp(DatabaseProvider.Postgres);

public sealed class TwilioSqlServerApp() : TwilioApp(DatabaseProvider.SqlServer);

public sealed class TwilioKestrelApp() : TwilioApp(DatabaseProvider.Sqlite)
{
    protected override bool RealServer => true;
}
