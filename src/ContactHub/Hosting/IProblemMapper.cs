using Microsoft.AspNetCore.Mvc;

namespace ContactHub.Hosting;

/// <summary>
/// Lets a feature say what one of its exceptions means to the caller (the database's outage is a 503, say) without the
/// exception handler knowing the feature: <see cref="ProblemExceptionHandler"/> asks each registered mapper in turn.
/// </summary>
public interface IProblemMapper
{
    /// <summary>The answer for this exception, or null when it is not this mapper's.</summary>
    ProblemDetails? Map(HttpContext context, Exception exception);
}
