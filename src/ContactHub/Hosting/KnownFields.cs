using System.Text.Json;

namespace ContactHub.Hosting;

/// <summary>
/// The fields a request body may carry, as the API's JSON names them. A body refuses a field it does not know: a misspelt
/// <c>"pasued": true</c> answered 200 and changed nothing. A request type opts in with
/// <c>[JsonUnmappedMemberHandling(Disallow)]</c> (every body except what records activity, whose senders add their own fields);
/// <see cref="BindingProblems"/> then names the field and lists these.
/// </summary>
internal static class KnownFields
{
    /// <summary>The JSON names of <paramref name="type"/>'s properties, in declaration order.</summary>
    public static IReadOnlyList<string> Of(Type type, JsonSerializerOptions options) =>
        options.GetTypeInfo(type).Properties.Select(p => p.Name).ToList();

    /// <summary>What a field unknown to <paramref name="type"/> is told.</summary>
    public static string Unknown(Type type, JsonSerializerOptions options) =>
        $"Not a field of this request; its fields are {string.Join(", ", Of(type, options))}.";

    /// <summary>The body's first field that <paramref name="type"/> does not have, if any.</summary>
    public static string? FirstUnknown(JsonElement body, Type type, JsonSerializerOptions options)
    {
        var known = Of(type, options).ToHashSet(StringComparer.OrdinalIgnoreCase); // case-insensitive, as the API reads bodies
        return body.EnumerateObject().Select(field => field.Name).FirstOrDefault(name => !known.Contains(name));
    }
}
