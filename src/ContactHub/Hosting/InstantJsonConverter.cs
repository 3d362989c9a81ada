using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContactHub.Hosting;

/// <summary>
/// An instant in a request body must say its offset (Z or ±hh:mm). System.Text.Json reads "2026-11-23T09:30:00" in the
/// zone of the machine the service runs on, so the same request recorded different instants on a server in Paris and one
/// in UTC, and nobody could tell. A time without its offset is refused, naming the field; answers are written as before.
/// </summary>
public sealed class InstantJsonConverter : JsonConverter<DateTimeOffset>
{
    public const string Expected = "An instant with its offset, e.g. 2026-11-23T09:30:00Z or 2026-11-23T10:30:00+01:00: without one the time could be read in any zone.";

    /// <summary>A value the field's type refuses, with the words to tell the client; the serializer adds the field's path.</summary>
    public sealed class RefusedValueException(string message) : JsonException(message);

    /// <summary>ISO 8601 as the serializer reads it by default, once the text is known to end with its offset.</summary>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && HasOffset(ref reader) && reader.TryGetDateTimeOffset(out var at)) return at;
        throw new RefusedValueException(Expected);
    }

    private static bool HasOffset(ref Utf8JsonReader reader)
    {
        // "+01:00" may come escaped ("\u002B01:00", as this service's own event payloads write it): read it as text then.
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > 64) return LocalTimes.HasOffset(reader.GetString());
        Span<char> text = stackalloc char[64];
        return LocalTimes.HasOffset(text[..System.Text.Encoding.UTF8.GetChars(reader.ValueSpan, text)]);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>What to tell the client about a body the serializer refused: the converter's words, or <paramref name="otherwise"/>.</summary>
    public static string Describe(JsonException failure, string otherwise) => failure is RefusedValueException ? failure.Message : otherwise;
}
