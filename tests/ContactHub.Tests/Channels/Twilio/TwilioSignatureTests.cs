using System.Security.Cryptography;
using System.Text;
using Twilio.Security;

namespace ContactHub.Tests.Channels.Twilio;

/// <summary>How Twilio signs a webhook, written here from its security documentation, so that tests sign as Twilio does.</summary>
public static class TwilioSigner
{
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal))
            data.Append(name).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
}

/// <summary>The SDK's validator, which the webhook filter uses, against Twilio's published example and one-character changes.</summary>
public sealed class TwilioSignatureTests
{
    // Twilio's published example (security documentation).
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string Expected = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    private static readonly Dictionary<string, string> Params = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+12349013030",
        ["Digits"] = "1234",
        ["From"] = "+12349013030",
        ["To"] = "+18005551212",
    };

    [Fact]
    public void Twilios_published_example_signs_and_validates()
    {
        Assert.Equal(Expected, TwilioSigner.Sign(Token, Url, Params));
        Assert.True(new RequestValidator(Token).Validate(Url, Params, Expected));
    }

    [Fact]
    public void A_url_signed_with_the_default_port_validates_without_it()
    {
        var signedWithPort = TwilioSigner.Sign(Token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", Params);
        Assert.True(new RequestValidator(Token).Validate(Url, Params, signedWithPort));
    }

    public static TheoryData<string> OneCharacterChanged() => new() { "token", "url", "name", "value", "signature" };

    [Theory]
    [MemberData(nameof(OneCharacterChanged))]
    public void One_changed_character_anywhere_fails(string where)
    {
        var parameters = new Dictionary<string, string>(Params);
        var (token, url, signature) = (Token, Url, Expected);
        switch (where)
        {
            case "token": token = "12346"; break;
            case "url": url = Url.Replace("foo=1", "foo=2"); break;
            case "name": parameters.Remove("Digits"); parameters["Digitz"] = "1234"; break;
            case "value": parameters["Digits"] = "1235"; break;
            case "signature": signature = "1" + Expected[1..]; break;
        }

        Assert.False(new RequestValidator(token).Validate(url, parameters, signature));
    }

    // An empty signature makes the SDK throw: the webhook filter refuses it before asking (TwilioWebhookSuite covers that).
    [Theory]
    [InlineData("x")]
    [InlineData("not base64 at all")]
    public void A_garbage_signature_fails(string signature) =>
        Assert.False(new RequestValidator(Token).Validate(Url, Params, signature));
}
