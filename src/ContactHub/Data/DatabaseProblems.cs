using System.Data.Common;
using ContactHub.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace ContactHub.Data;

/// <summary>What the database's errors mean to a caller: an outage is a 503 to retry, a value the engine cannot store is the input's fault.</summary>
public sealed class DatabaseProblems(Db db, ILogger<DatabaseProblems> logger) : IProblemMapper
{
    public ProblemDetails? Map(HttpContext context, Exception exception)
    {
        if (IsOutage(exception))
        {
            var error = exception.GetBaseException();
            DataLog.Unavailable(logger, context.Request.Method, context.Request.Path, error.GetType().Name, error is DbException e ? db.Dialect.ErrorCode(e) : "-");
            context.Response.Headers.RetryAfter = "5";
            return new ProblemDetails { Status = 503, Title = "The database is unavailable", Detail = "Nothing was recorded. Retry the request; it is safe to repeat." };
        }
        return exception is DbException unstorable && db.Dialect.IsUnstorableText(unstorable)
            ? new ProblemDetails { Status = 400, Title = "The request could not be stored", Detail = "A text field contains a NUL character (U+0000), which cannot be stored." }
            : null;
    }

    private bool IsOutage(Exception exception) => exception switch
    {
        DbException e => db.Dialect.IsOutage(e),
        TimeoutException => true,
        InvalidOperationException { InnerException: DbException inner } => IsOutage(inner),
        _ => false,
    };
}
