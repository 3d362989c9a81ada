using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Hosting;

/// <summary>The ProblemDetails answers endpoints give for expected outcomes.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: 404, title: "Not found");
}
