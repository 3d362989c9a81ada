using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ContactHub.Hosting;

/// <summary>
/// The one place exceptions become answers: unreadable input is a 400 naming the field, what a feature's
/// <see cref="IProblemMapper"/> says (the database's outage: 503), anything else a 500 without internals.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, IEnumerable<IProblemMapper> mappers, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
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
            BadHttpRequestException bad => BindingProblems.For(context, bad),
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
}
