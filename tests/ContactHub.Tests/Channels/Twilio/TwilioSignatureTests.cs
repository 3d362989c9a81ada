using ContactHub.Channels.Twilio;

namespace ContactHub.Tests.Channels.Twilio;

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
    public void Twilios_published_example_computes_and_validates()
    {
        Assert.Equal(Expected, TwilioSignature.Compute(Token, Url, Params));
        Assert.True(TwilioSignature.IsValid(Token, Url, Params, Expected));
    }

    [Fact]
    public void The_url_with_or_without_the_default_port_validates()
    {
        Assert.True(TwilioSignature.IsValid(Token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", Params, Expected));
        var signedWithPort = TwilioSignature.Compute(Token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", Params);
        Assert.True(TwilioSignature.IsValid(Token, Url, Params, signedWithPort));
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

        Assert.False(TwilioSignature.IsValid(token, url, parameters, signature));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 at all")]
    public void A_missing_or_garbage_signature_fails(string? signature) =>
        Assert.False(TwilioSignature.IsValid(Token, Url, Params, signature));
}
