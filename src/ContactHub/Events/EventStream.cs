using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ContactHub.Events;

/// <summary>
/// Server-Sent Events from the log: each event is written with its cursor as the SSE id, so that a client reconnecting with
/// Last-Event-ID resumes where it stopped. Written here rather than with TypedResults.ServerSentEvents because proxies need
/// heartbeat comments (": keep-alive") that the platform's formatter does not write. The log is the source, read every
/// half second or as soon as this node sequences something: events of every node arrive.
/// </summary>
public sealed class EventStream(EventLog log, EventSignals signals, IOptions<EventsOptions> options, IHostApplicationLifetime lifetime)
{
    private const int Batch = 200;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>Where a stream starts: after Last-Event-ID or ?after=, else at the head of the log (what happens from now on).</summary>
    public async Task<long> StartAsync(HttpContext http, long? after, CancellationToken ct) =>
        long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var resumed) ? resumed
        : after ?? await log.HeadAsync(ct);

    /// <summary>Writes events until the client goes away or the host stops (Kestrel does not end a request for the latter).</summary>
    public async Task WriteAsync(HttpContext http, long after, IReadOnlyList<string> types, long? contactId, CancellationToken requestAborted)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var ct = ended.Token;
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each event on as it is written
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var quietSince = DateTime.UtcNow;
        try
        {
            await response.WriteAsync($"retry: 2000\n: stream after {after}\n\n", ct);
            await response.Body.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                var rows = await log.ReadAsync(after, types, contactId, Batch, ct);
                if (rows.Count > 0)
                {
                    var text = new StringBuilder();
                    foreach (var row in rows)
                    {
                        text.Append("id: ").Append(row.Position.ToString(CultureInfo.InvariantCulture)).Append('\n')
                            .Append("event: ").Append(row.Type).Append('\n')
                            .Append("data: ").Append(JsonSerializer.Serialize(row.ToEnvelope(), WebhookDispatcher.Json)).Append("\n\n");
                        after = row.Position;
                    }
                    await response.WriteAsync(text.ToString(), ct);
                    await response.Body.FlushAsync(ct);
                    quietSince = DateTime.UtcNow;
                    if (rows.Count == Batch) continue;
                }
                else if (DateTime.UtcNow - quietSince >= options.Value.Heartbeat)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    quietSince = DateTime.UtcNow;
                }
                await signals.WaitSequencedAsync(Poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { } // the client went away, or the host is stopping
        catch (IOException) when (requestAborted.IsCancellationRequested) { }
    }
}
