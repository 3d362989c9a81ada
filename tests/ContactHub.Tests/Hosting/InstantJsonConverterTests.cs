using System.Text.Json;
using ContactHub.Hosting;

namespace ContactHub.Tests.Hosting;

/// <summary>A time in a body says its offset, or it is refused: read without one, it depended on the server's zone.</summary>
public sealed class InstantJsonConverterTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new InstantJsonConverter() } };

    private sealed record Body(DateTimeOffset? At);

    [Theory]
    [InlineData("2026-11-29T09:00:00Z", "2026-11-29T09:00:00Z")]
    [InlineData("2026-11-29T10:00:00+01:00", "2026-11-29T09:00:00Z")]
    [InlineData("2026-11-29T04:00:00.1234567-05:00", "2026-11-29T09:00:00.1234567Z")]
    [InlineData("2026-11-29T10:00:00\\u002B01:00", "2026-11-29T09:00:00Z")] // as this service's own event payloads escape it
    public void A_time_with_its_offset_is_that_instant(string json, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), JsonSerializer.Deserialize<Body>($$"""{"at":"{{json}}"}""", Options)!.At);

    [Theory]
    [InlineData("\"2026-11-29T09:00:00\"")]
    [InlineData("\"2026-11-29\"")]
    [InlineData("\"2026-11-29 09:00\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("1764406800")]
    public void Anything_else_is_refused_saying_why(string json)
    {
        var refused = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Body>($$"""{"at":{{json}}}""", Options));
        Assert.Equal("$.at", refused.Path);
        Assert.Equal(InstantJsonConverter.Expected, InstantJsonConverter.Describe(refused, "other"));
    }

    [Fact]
    public void Null_is_no_time_and_answers_are_written_as_before() =>
        Assert.Equal("""{"at":"2026-11-29T09:00:00+00:00"}""",
            JsonSerializer.Serialize(new Body(JsonSerializer.Deserialize<Body>("""{"at":null}""", Options)!.At ?? DateTimeOffset.Parse("2026-11-29T09:00:00Z")), Options));
}
