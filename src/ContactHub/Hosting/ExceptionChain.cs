namespace ContactHub.Hosting;

/// <summary>An exception and every exception inside it, outermost first (an aggregate's each in turn).</summary>
public static class ExceptionChain
{
    public static IEnumerable<Exception> Of(Exception e) => e switch
    {
        AggregateException many => many.InnerExceptions.SelectMany(Of),
        { InnerException: { } inner } => [e, .. Of(inner)],
        _ => [e],
    };
}
