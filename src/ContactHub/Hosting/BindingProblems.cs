using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ContactHub.Hosting;

/// <summary>
/// What the framework could not bind, named by field: the JSON path of a body it could not read, or the query, route or
/// header parameters of the endpoint's handler whose text does not parse as their type (or is missing). Worked out from
/// the endpoint's own parameters and the request, never from the wording of the framework's messages.
/// </summary>
internal static partial class BindingProblems
{
    private const string Title = "The request could not be read";

    public static ProblemDetails For(HttpContext context, BadHttpRequestException bad)
    {
        // Other statuses (413 too large, 415 not JSON) are worded for every route alike in Describe.
        if (bad.StatusCode != StatusCodes.Status400BadRequest) return new ProblemDetails { Status = bad.StatusCode };

        var errors = bad.InnerException is JsonException json ? UnknownField(context, json) ?? JsonErrors(json, context.Request.ContentLength) : ParameterErrors(context);
        if (errors.Count == 0 && context.Request.HasJsonContentType() is false && context.Request.ContentLength > 0)
            errors["$"] = ["The body must be a JSON document sent with Content-Type: application/json."];
        return errors.Count == 0
            ? new ProblemDetails { Status = bad.StatusCode, Title = Title, Detail = "The request does not match what this route expects; see /openapi/v1.json." }
            : new HttpValidationProblemDetails(errors) { Status = 400, Title = Title };
    }

    /// <summary>
    /// "$.customer.phone" names customer.phone; the document itself is "$": when it is not an object, or ends before it is
    /// complete (the reader stopped at the body's last byte), which no field is to blame for.
    /// </summary>
    private static Dictionary<string, string[]> JsonErrors(JsonException json, long? length)
    {
        var field = (json.Path ?? "$").TrimStart('$').TrimStart('.');
        var at = json.LineNumber is { } line ? $" (line {line + 1}, position {json.BytePositionInLine})" : "";
        if (json.LineNumber == 0 && length is { } total && json.BytePositionInLine >= total)
            return new() { ["$"] = [$"The JSON ends before the document is complete: it was cut short{at}."] };
        return field.Length == 0
            ? new() { ["$"] = [$"The body is not a JSON object as this route expects{at}."] }
            : new() { [field] = [InstantJsonConverter.Describe(json, $"Not a valid value for {field}{at}.")] };
    }

    /// <summary>
    /// A field the body's type refuses as unknown (<see cref="KnownFields"/>), at any depth ("attachments[0].fileNmae"): named, with
    /// the fields its object has.
    /// </summary>
    private static Dictionary<string, string[]>? UnknownField(HttpContext context, JsonException json)
    {
        var field = (json.Path ?? "$").TrimStart('$').TrimStart('.');
        if (field.Length == 0) return null;
        var failed = context.Features.Get<IExceptionHandlerFeature>();
        var type = ((failed?.Endpoint ?? context.GetEndpoint())?.Metadata.GetMetadata<MethodInfo>())?.GetParameters()
            .Select(p => p.ParameterType).FirstOrDefault(Refuses);
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var names = PathNames().Matches(json.Path!)
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value.Replace("''", "'")).ToList();
        if (names.Count == 0) return null;
        for (var i = 0; type is not null && i < names.Count - 1; i++)
            type = options.GetTypeInfo(type).Properties.FirstOrDefault(p => string.Equals(p.Name, names[i], StringComparison.OrdinalIgnoreCase))?.PropertyType is { } next
                ? ElementOf(next) : null;
        if (type is null || !Refuses(type) || KnownFields.Of(type, options).Contains(names[^1], StringComparer.OrdinalIgnoreCase)) return null;
        return new() { [field] = [KnownFields.Unknown(type, options)] };
    }

    // $.a.b, $['a.b'] (a name the path cannot write plainly), [0] (a list's element: its type is walked into).
    [GeneratedRegex(@"\.([^.\[]+)|\['((?:[^']|'')*)'\]")]
    private static partial Regex PathNames();

    private static bool Refuses(Type type) =>
        type.GetCustomAttribute<JsonUnmappedMemberHandlingAttribute>() is { UnmappedMemberHandling: JsonUnmappedMemberHandling.Disallow };

    /// <summary>A list's element type; the type itself otherwise.</summary>
    private static Type ElementOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return type;
        return type.IsArray ? type.GetElementType()!
            : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0] ?? type;
    }

    private static Dictionary<string, string[]> ParameterErrors(HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        // The exception handler runs with the endpoint cleared; the feature keeps the one that failed.
        var failed = context.Features.Get<IExceptionHandlerFeature>();
        if ((failed?.Endpoint ?? context.GetEndpoint())?.Metadata.GetMetadata<MethodInfo>() is not { } handler) return errors;
        foreach (var parameter in handler.GetParameters())
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (type == typeof(string) || Friendly(type) is not { } expected) continue;
            var (name, text) = Source(context, failed?.RouteValues ?? context.Request.RouteValues, parameter);
            if (text is null)
            {
                var optional = parameter.HasDefaultValue || Nullable.GetUnderlyingType(parameter.ParameterType) is not null;
                if (!optional) errors[name] = ["Required."];
            }
            else if (!Parses(type, text))
                errors[name] = [$"'{Clip(text)}' is not {expected}."];
        }
        return errors;
    }

    private static (string Name, string? Text) Source(HttpContext context, RouteValueDictionary routeValues, ParameterInfo parameter)
    {
        if (parameter.GetCustomAttribute<FromHeaderAttribute>() is { } header)
        {
            var headerName = header.Name ?? parameter.Name!;
            return (headerName, context.Request.Headers.TryGetValue(headerName, out var h) ? h.ToString() : null);
        }
        var name = parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.GetCustomAttribute<FromRouteAttribute>()?.Name ?? parameter.Name!;
        if (routeValues.TryGetValue(name, out var route) && route is not null) return (name, route.ToString());
        return (name, context.Request.Query.TryGetValue(name, out var q) ? q.ToString() : null);
    }

    private static string? Friendly(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(decimal) || type == typeof(double) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time such as 2026-11-26T09:30:00+01:00",
        _ when type == typeof(DateOnly) => "a date such as 2026-11-26",
        _ when type == typeof(Guid) => "a GUID",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ => null,
    };

    private static bool Parses(Type type, string text)
    {
        var parse = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), type.MakeByRefType()]);
        if (parse is not null) return (bool)parse.Invoke(null, [text, CultureInfo.InvariantCulture, null])!;
        return type.IsEnum ? Enum.TryParse(type, text, ignoreCase: true, out _) : true;
    }

    /// <summary>The framework's own ProblemDetails customisation: what 413 and 415 answers say, whoever wrote them.</summary>
    public static void Describe(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null) return;
        if (problem.Status == StatusCodes.Status413PayloadTooLarge)
        {
            problem.Title = "Request body too large";
            var limit = context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            problem.Detail = limit is { } max ? $"This route accepts at most {Size(max)}; send less, or split a batch." : "The body is larger than this route accepts.";
        }
        else if (problem.Status == StatusCodes.Status415UnsupportedMediaType)
            problem.Detail = $"Send the body as JSON with the header Content-Type: application/json (was '{context.HttpContext.Request.ContentType ?? "none"}').";
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MiB" : $"{bytes / 1024.0:0.#} KiB";
}
