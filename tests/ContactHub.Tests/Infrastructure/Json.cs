using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ContactHub.Tests.Infrastructure;

public static class Json
{
    /// <summary>The API's own JSON settings (camelCase, enums as kebab-case text), to read answers as the API's records.</summary>
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Gets, asserts the status (showing the body when it differs) and reads the answer as the API's record.</summary>
    public static async Task<T> Get<T>(this HttpClient client, string url, int expected = 200)
    {
        return (await (await client.GetAsync(url)).Expect(expected)).Deserialize<T>(Web)!;
    }

    /// <summary>Posts, asserts the status and reads the answer as the API's record.</summary>
    public static async Task<T> Post<T>(this HttpClient client, string url, object body, int expected = 200)
    {
        return (await (await client.PostAsJsonAsync(url, body, Web)).Expect(expected)).Deserialize<T>(Web)!;
    }

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try { return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body"); }
        catch (JsonException) { throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} with a body that is not JSON: {text[..Math.Min(text.Length, 500)]}"); }
    }

    /// <summary>Posts and asserts the status, showing the body when it differs.</summary>
    public static async Task<JsonNode> PostOk(this HttpClient client, string url, object body, int expected = 200)
    {
        var response = await client.PostAsJsonAsync(url, body, Web);
        return await response.Expect(expected);
    }

    public static async Task<JsonNode> GetOk(this HttpClient client, string url, int expected = 200)
    {
        var response = await client.GetAsync(url);
        return await response.Expect(expected);
    }

    public static async Task<JsonNode> Expect(this HttpResponseMessage response, int expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"expected {expected}, got {(int)response.StatusCode}: {text[..Math.Min(text.Length, 2000)]}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }
}
