using System.Text.Json;
using ContactHub.Channels.Email;
using ContactHub.Channels.Twilio;
using Microsoft.Extensions.Options;

namespace ContactHub.Outbox;

/// <summary>
/// Sends what the outbox holds: woken at once on enqueue, polling otherwise. Transient failures are
/// retried with exponential backoff up to Outbox:MaxAttempts; permanent ones fail at once. A message
/// being sent when the host stops is finished and recorded before the dispatcher exits.
/// </summary>
public sealed class OutboxDispatcher(
    OutboxStore store, OutboxSignal signal, IEmailTransport email, IServiceProvider services,
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

        var emails = items.Where(i => i.Channel == "email").ToList();
        if (emails.Count > 0)
        {
            var outgoing = emails.Select(i => (Item: i, Email: ToEmail(Read(i)))).ToList();
            var results = await email.SendAsync(outgoing.Select(x => x.Email).ToList(), finish);
            foreach (var (item, result) in outgoing.Select(x => x.Item).Zip(results))
                await Settle(item, result.Sent, result.Permanent, result.Error, result.Sent ? result.MessageId : null, finish);
        }

        foreach (var item in items.Where(i => i.Channel is "sms" or "whatsapp"))
        {
            if (stoppingToken.IsCancellationRequested)
            {
                await store.RetryLaterAsync(item, Node, clock.GetUtcNow(), "host stopping before send", finish);
                continue;
            }
            var payload = Read(item);
            try
            {
                var sender = services.GetRequiredService<TwilioSender>();
                var sent = await sender.SendAsync(item.ContactId, item.Channel, payload.To, payload.Body, payload.MediaUrls, finish);
                await Settle(item, true, false, null, sent.Sid, finish);
            }
            catch (TwilioException ex)
            {
                await Settle(item, false, ex.Permanent, ex.Message, null, finish);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or TaskCanceledException)
            {
                await Settle(item, false, false, $"Twilio unreachable ({ex.GetType().Name})", null, finish);
            }
        }
        return items.Count;
    }

    private async Task Settle(OutboxItem item, bool sent, bool permanent, string? error, string? providerRef, CancellationToken ct)
    {
        if (sent)
        {
            await store.MarkSentAsync(item, Node, providerRef, ct);
            OutboxLog.Sent(logger, item.Id, item.Channel, item.Attempts);
        }
        else if (permanent || item.Attempts >= options.Value.MaxAttempts)
        {
            await store.MarkFailedAsync(item, Node, error ?? "failed", ct);
            OutboxLog.Failed(logger, item.Id, item.Channel, item.Attempts, Hosting.Redact.Text(error ?? "failed"));
        }
        else
        {
            var delay = options.Value.RetryBaseDelay * Math.Pow(2, item.Attempts - 1) * (0.8 + Random.Shared.NextDouble() * 0.4);
            await store.RetryLaterAsync(item, Node, clock.GetUtcNow() + delay, error ?? "failed", ct);
            OutboxLog.WillRetry(logger, item.Id, item.Channel, item.Attempts, delay);
        }
    }

    private static OutboxPayload Read(OutboxItem item) => JsonSerializer.Deserialize<OutboxPayload>(item.Payload)!;

    private static OutgoingEmail ToEmail(OutboxPayload p) => new(p.To, p.Subject ?? "", p.Body, p.Html, p.MessageId!, p.InReplyTo, p.References,
        p.Attachments?.Select(a => new EmailAttachment(a.FileName, a.ContentType, Convert.FromBase64String(a.ContentBase64))).ToList());
}
