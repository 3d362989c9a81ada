using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ContactHub.Hosting;

/// <summary>
/// The one place exceptions become answers: unreadable input is a 400 naming the field, what a feature's
/// <see cref="IProblemMapper"/> says (the database's outage: 503), anything else a 500 without internals.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, IEnumerable<IProblemMapper> mappers, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (context.RequestAborted.IsCancellationRequested && exception is OperationCanceledException)
        {
            context.Response.StatusCode = 499; // client closed the request: nobody is listening
            return true;
        }

        var problem = exception switch
        {
            BadHttpRequestException bad => BadRequest(bad),
            InvalidDataException => new ProblemDetails { Status = 400, Title = "The request could not be read", Detail = "The form body is malformed or has too many fields." },
            DomainException domain => new ProblemDetails { Status = domain.Status, Title = domain.Title, Detail = domain.Message },
            _ => mappers.Select(m => m.Map(context, exception)).FirstOrDefault(p => p is not null),
        };
        if (problem is null)
        {
            HostingLog.Unhandled(logger, exception, context.Request.Method, context.Request.Path);
            problem = new ProblemDetails { Status = 500, Title = "An unexpected error occurred", Detail = "The error was logged; quote the traceId when you report it." };
        }

        context.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails BadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return new ProblemDetails { Status = 413, Title = "Request body too large", Detail = bad.Message };

        var errors = new Dictionary<string, string[]>();
        var title = "The request could not be read";
        if (bad.InnerException is JsonException json)
        {
            var field = FieldOf(json.Path);
            errors[field] = [$"Invalid JSON value for '{field}'{LineInfo(json)}."];
        }
        else if (BindFailure().Match(bad.Message) is { Success: true } m)
        {
            errors[m.Groups["name"].Value] = [$"The value is not a valid {m.Groups["type"].Value}."];
        }
        else if (RequiredParameter().Match(bad.Message) is { Success: true } r)
        {
            errors[r.Groups["name"].Value] = ["The value is required."];
        }
        else if (bad.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase))
        {
            errors["body"] = ["The body must be a JSON document sent with Content-Type application/json."];
        }
        return errors.Count == 0
            ? new ProblemDetails { Status = bad.StatusCode, Title = title, Detail = bad.Message }
            : new HttpValidationProblemDetails(errors) { Status = 400, Title = title };
    }

    /// <summary>"$.customer.phone" → "customer.phone"; "$" (the whole body) → "body".</summary>
    internal static string FieldOf(string? path)
    {
        var field = (path ?? "$").TrimStart('$').TrimStart('.');
        return field.Length == 0 ? "body" : field;
    }

    private static string LineInfo(JsonException json) =>
        json.LineNumber is { } line ? $" (line {line + 1}, position {json.BytePositionInLine})" : "";

    [GeneratedRegex("""Failed to bind parameter "(?<type>[^ "]+) (?<name>[^ "]+)" from""")]
    private static partial Regex BindFailure();

    [GeneratedRegex("""Required parameter "(?<type>[^ "]+) (?<name>[^ "]+)" was not provided""")]
    private static partial Regex RequiredParameter();
}
