using Microsoft.Extensions.Options;

namespace ContactHub.Data;

/// <summary>
/// A request the client abandons (a closed connection, a timeout) is cancelled <see cref="DatabaseOptions.CancelAfterAbort"/>
/// later, not at once: the token its handler sees fires only if the work is still running by then. Cancelling a statement
/// costs more than most statements: Npgsql sends PostgreSQL a cancel request on a connection of its own, opened — TLS
/// handshake included — synchronously inside the token's callback, on a thread-pool thread, and PostgreSQL starts a process
/// to receive it. When a load balancer or a load generator closed 32 connections at once, 32 such callbacks held the pool's
/// threads and the service answered nothing, its own health probe included, for 0.5–2 s (measured 2026-11-27; the stacks of
/// that stall are in docs/BENCHMARKS.md). A screen-pop takes milliseconds: letting it finish costs nothing. A report or an
/// export that runs on is still cancelled, after the grace.
/// </summary>
public sealed class AbandonedRequests(RequestDelegate next, IOptions<DatabaseOptions> options, ILogger<AbandonedRequests> logger)
{
    private readonly TimeSpan _grace = options.Value.CancelAfterAbort;

    public async Task InvokeAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        if (_grace <= TimeSpan.Zero || !aborted.CanBeCanceled)
        {
            await next(context);
            return;
        }
        using var patient = new CancellationTokenSource();
        // Disposed before the source (reverse order): its disposal waits for a callback under way, so CancelAfter never meets a disposed source.
        using var registration = aborted.UnsafeRegister(_ => Abandon(patient, context), null);
        context.RequestAborted = patient.Token;
        try
        {
            await next(context);
        }
        finally
        {
            context.RequestAborted = aborted;
        }
    }

    private void Abandon(CancellationTokenSource patient, HttpContext context)
    {
        patient.CancelAfter(_grace);
        // The route's pattern, not the path: a path may carry a token (/csat/{token}) or an identifier.
        DataLog.Abandoned(logger, context.Request.Method, (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "-", _grace);
    }
}
