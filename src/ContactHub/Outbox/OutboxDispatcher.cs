using System.Text.Json;
using ContactHub.Contacts;
using Microsoft.Extensions.Options;

namespace ContactHub.Outbox;

/// <summary>
/// Sends what the outbox holds: woken at once on enqueue, polling otherwise. Transient failures are
/// retried with exponential backoff up to Outbox:MaxAttempts; permanent ones fail at once. A message
/// being sent when the host stops is finished and recorded before the dispatcher exits.
/// </summary>
public sealed class OutboxDispatcher(
    OutboxStore store, OutboxSignal signal, OutboundChannels channels, ConsentStore consents,
    IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatcherEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await DispatchOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                OutboxLog.RoundFailed(logger, ex.GetType().Name + " " + Hosting.Redact.Text(ex.Message));
            }
            try
            {
                if (handled < options.Value.BatchSize) await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>One round: claim due messages and send them. Returns how many were claimed.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken stoppingToken = default)
    {
        var o = options.Value;
        if (stoppingToken.IsCancellationRequested) return 0;
        // Once claimed, a message is seen through even if the host is stopping: nothing is left half-sent
        // or locked until its claim expires. So neither claiming nor settling listens to the stop.
        var finish = CancellationToken.None;
        var items = await store.ClaimAsync(Node, o.BatchSize, o.LockDuration, finish);
        if (items.Count == 0) return 0;

        foreach (var round in items.GroupBy(i => i.Channel))
        {
            var group = round.ToList();
            if (stoppingToken.IsCancellationRequested)
            {
                foreach (var item in group) await store.RetryLaterAsync(item, Node, clock.GetUtcNow(), "host stopping before send", finish);
                continue;
            }
            var outcomes = await SendAsync(round.Key, group, finish);
            foreach (var (item, outcome) in group.Zip(outcomes)) await Settle(item, outcome, finish);
        }
        return items.Count;
    }

    /// <summary>The channel's outcomes, one per item; a channel that is not configured, or that throws, fails them without losing them.</summary>
    private async Task<IReadOnlyList<SendOutcome>> SendAsync(string channel, IReadOnlyList<OutboxItem> items, CancellationToken ct)
    {
        if (channels.Find(channel) is not { } sender)
            return items.Select(_ => SendOutcome.Permanent($"No outbound channel '{channel}' is configured here.")).ToList();
        // Queued before its settings were taken away (a restart without them): the reason, not a call that cannot succeed.
        if (sender.Unavailable is { } unavailable) return items.Select(_ => SendOutcome.Permanent(unavailable)).ToList();
        try
        {
            var outcomes = await sender.SendAsync(items.Select(i => new OutboundMessage(i.Id, i.ContactId, i.Channel, Read(i))).ToList(), ct);
            if (outcomes.Count != items.Count) throw new InvalidOperationException($"The {channel} channel answered {outcomes.Count} outcomes for {items.Count} messages.");
            return outcomes;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A channel should classify its failures itself; one that throws is treated as "try again later".
            return items.Select(_ => SendOutcome.Transient($"{channel} channel failed ({ex.GetType().Name})")).ToList();
        }
    }

    private async Task Settle(OutboxItem item, SendOutcome outcome, CancellationToken ct)
    {
        var error = outcome.Error ?? "failed";
        switch (outcome.Failure)
        {
            case SendFailure.None:
                await store.MarkSentAsync(item, Node, outcome.ProviderRef, ct);
                OutboxLog.Sent(logger, item.Id, item.Channel, item.Attempts);
                return;
            case SendFailure.OptedOut:
                // The recipient unsubscribed at the provider: no later message of this channel should try again.
                await consents.SetAsync(item.ContactId, item.Channel, ConsentStatus.OptedOut, $"{item.Channel}:provider-opt-out", ct);
                OutboxLog.OptedOut(logger, item.Id, item.Channel, item.ContactId);
                goto case SendFailure.Permanent;
            case SendFailure.Permanent:
            case SendFailure.Transient when item.Attempts >= options.Value.MaxAttempts:
                await store.MarkFailedAsync(item, Node, error, ct);
                OutboxLog.Failed(logger, item.Id, item.Channel, item.Attempts, Hosting.Redact.Text(error));
                return;
            default:
                var delay = options.Value.RetryBaseDelay * Math.Pow(2, item.Attempts - 1) * (0.8 + Random.Shared.NextDouble() * 0.4);
                await store.RetryLaterAsync(item, Node, clock.GetUtcNow() + delay, error, ct);
                OutboxLog.WillRetry(logger, item.Id, item.Channel, item.Attempts, delay);
                return;
        }
    }

    private static OutboxPayload Read(OutboxItem item) => JsonSerializer.Deserialize<OutboxPayload>(item.Payload)!;
}
