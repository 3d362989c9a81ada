using ContactHub.Events;
using ContactHub.Hosting;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Crm;

/// <summary>
/// Runs every enabled connector: one node at a time per connector (a lease on its cursor row), events in log order, the
/// cursor moved past each event once it is written, parked or of no concern. A CRM that is down or throttling stops its
/// connector where it is (Retry-After, else backoff) — recording never waits for it — and it resumes from there.
/// </summary>
public sealed class CrmRunner(IEnumerable<ICrmConnector> connectors, CrmStore store, CrmWriter writer, EventLog log, EventSignals signals,
    IOptions<CrmOptions> options, TimeProvider clock, ILogger<CrmRunner> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Dictionary<string, (DateTimeOffset NotBefore, int Failures)> _backoff = [];
    private readonly Wakeup _nudge = new();

    /// <summary>Asks for a round now (a failure put back to retry).</summary>
    public void Nudge() => _nudge.Set();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var enabled = connectors.Where(c => c.Enabled).ToList();
        if (enabled.Count == 0) return;
        await Task.Yield();
        var head = await log.HeadAsync(stoppingToken);
        foreach (var crm in enabled) await store.EnsureCursorAsync(crm.Name, head, stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var more = false;
                foreach (var crm in enabled)
                {
                    if (_backoff.TryGetValue(crm.Name, out var b) && b.NotBefore > clock.GetUtcNow()) continue;
                    try { more |= await RoundAsync(crm, stoppingToken); }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { throw; }
                    catch (Exception e)
                    {
                        CrmLog.Crashed(logger, crm.Name, e);
                        Back(crm.Name, null);
                    }
                }
                if (!more)
                    await _nudge.WaitAsync(signals.WaitSequencedAsync(options.Value.PollInterval, stoppingToken), options.Value.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            foreach (var crm in enabled) await store.ReleaseAsync(crm.Name, _owner);
        }
    }

    /// <summary>One round for one connector: retries asked for, then the next batch of events; true when more are waiting.</summary>
    private async Task<bool> RoundAsync(ICrmConnector crm, CancellationToken ct)
    {
        if (await store.LeaseAsync(crm.Name, _owner, options.Value.Lease, ct) is not { } cursor) return false; // another node has it

        foreach (var failure in await store.DueRetriesAsync(crm.Name, ct))
        {
            var e = (await log.ReadAsync(failure.EventPosition - 1, [failure.EventType], null, 1, ct)).FirstOrDefault(x => x.Position == failure.EventPosition);
            if (e is null)
            {
                await store.SetFailureAsync(failure.Id, "parked", "The event is no longer in the log (Retention:EventsDays).", tried: true, ct);
                continue;
            }
            try
            {
                await writer.HandleAsync(crm, e.Type, e.ContactId, e.Data, ct);
                await store.SetFailureAsync(failure.Id, "resolved", null, tried: true, ct);
            }
            catch (CrmPermanentException p) { await store.SetFailureAsync(failure.Id, "parked", p.Message, tried: true, ct); }
            catch (CrmTransientException t)
            {
                await Unavailable(crm, t, ct);
                return false;
            }
        }

        var events = await log.ReadAsync(cursor.Position, CrmWriter.Types, null, options.Value.BatchSize, ct);
        foreach (var e in events)
        {
            var wrote = false;
            try { wrote = await writer.HandleAsync(crm, e.Type, e.ContactId, e.Data, ct); }
            catch (CrmPermanentException p)
            {
                await store.ParkAsync(crm.Name, e.Position, e.Type, InteractionOf(e), e.ContactId, p.Message, ct);
                CrmLog.Parked(logger, crm.Name, e.Type, e.Position, p.Message);
            }
            catch (CrmTransientException t)
            {
                await Unavailable(crm, t, ct);
                return false;
            }
            if (!await store.AdvanceAsync(crm.Name, _owner, e.Position, wrote, options.Value.Lease, ct)) return false; // the lease passed to another node
        }
        _backoff.Remove(crm.Name);
        return events.Count == options.Value.BatchSize;
    }

    private async Task Unavailable(ICrmConnector crm, CrmTransientException t, CancellationToken ct)
    {
        await store.SetErrorAsync(crm.Name, t.Message, ct);
        CrmLog.Retrying(logger, crm.Name, t.Message, Back(crm.Name, t.RetryAfter));
    }

    private TimeSpan Back(string name, TimeSpan? retryAfter)
    {
        var failures = _backoff.TryGetValue(name, out var b) ? b.Failures + 1 : 1;
        var o = options.Value;
        var delay = retryAfter ?? TimeSpan.FromTicks(Math.Min(o.MaxRetryDelay.Ticks, o.RetryBaseDelay.Ticks * (1L << Math.Min(failures - 1, 20))));
        _backoff[name] = (clock.GetUtcNow() + delay, failures);
        return delay;
    }

    private static long? InteractionOf(EventRow e)
    {
        using var document = System.Text.Json.JsonDocument.Parse(e.Data);
        return document.RootElement.TryGetProperty("interactionId", out var id) && id.TryGetInt64(out var n) ? n : null;
    }
}
