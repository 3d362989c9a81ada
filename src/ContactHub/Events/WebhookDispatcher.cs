using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StandardWebhooks;

namespace ContactHub.Events;

/// <summary>
/// Sends the subscriptions' events: fans the log out into deliveries, then claims due deliveries and posts them, signed as the
/// Standard Webhooks specification says (webhook-id, webhook-timestamp, webhook-signature). Failures retry with exponential
/// backoff and jitter; a subscription failing for <see cref="EventsOptions.DisableAfter"/> is disabled and its events wait.
/// Every node may run it: the fan-out takes turns on the subscription's row, a delivery is claimed by one node.
/// </summary>
public sealed class WebhookDispatcher(
    DeliveryStore store, EventSignals signals, IHttpClientFactory http, IOptions<EventsOptions> options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    public const string HttpClientName = "webhooks";

    /// <summary>Event bodies as the feed writes them; '+' of an offset and non-ASCII names stay readable (this is JSON, never HTML).</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DeliveriesEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                EventsLog.RoundFailed(logger, ex.GetType().Name + " " + Hosting.Redact.Text(ex.Message));
            }
            if (!busy) await signals.WaitSequencedAsync(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    /// <summary>One round: fan out, then send what is due. True when there was work (the next round follows at once).</summary>
    public async Task<bool> RunOnceAsync(CancellationToken stoppingToken = default)
    {
        var read = 0;
        var subscriptions = await store.ActiveSubscriptionsAsync(stoppingToken);
        if (subscriptions.Count == 0) return false; // nothing can be due: deliveries are claimed only for active subscriptions
        foreach (var id in subscriptions)
            read += await store.FanOutAsync(id, stoppingToken);
        if (stoppingToken.IsCancellationRequested) return false;

        var o = options.Value;
        // Once claimed, a delivery is seen through even if the host is stopping: nothing stays locked until its claim expires.
        var items = await store.ClaimAsync(Node, o.MaxConcurrentDeliveries * 4, o.DeliveryTimeout + TimeSpan.FromSeconds(30), CancellationToken.None);
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = o.MaxConcurrentDeliveries },
            async (item, _) => await DeliverAsync(item, CancellationToken.None));
        return read > 0 || items.Count > 0;
    }

    private async Task DeliverAsync(DeliveryStore.Claimed item, CancellationToken ct)
    {
        int? code = null;
        string error;
        try
        {
            using var request = Sign(item, clock.GetUtcNow());
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                await store.DeliveredAsync(item, Node, code.Value, ct);
                EventsLog.Delivered(logger, item.EventId, item.SubscriptionId, item.Attempts);
                return;
            }
            error = $"HTTP {code} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            error = ex is TaskCanceledException ? $"No answer within {options.Value.DeliveryTimeout}" : $"{ex.GetType().Name}: {Hosting.Redact.Text(ex.Message)}";
        }

        var o = options.Value;
        var now = clock.GetUtcNow();
        var backoff = o.RetryBaseDelay * Math.Pow(2, Math.Min(item.Attempts - 1, 20));
        var delay = (backoff < o.MaxRetryDelay ? backoff : o.MaxRetryDelay) * (0.8 + Random.Shared.NextDouble() * 0.4);
        var since = item.FailingSince ?? now;
        var reason = $"Every delivery failed since {since.ToString("u", CultureInfo.InvariantCulture)}; the last: {error}";
        if (await store.FailedAsync(item, Node, code, error, now + delay, now - o.DisableAfter, reason, ct))
            EventsLog.Disabled(logger, item.SubscriptionId, reason);
        else
            EventsLog.WillRetry(logger, item.DeliveryId, item.SubscriptionId, error, delay);
    }

    /// <summary>The signed POST of one event (the body is the event as the feed shows it).</summary>
    public static HttpRequestMessage Sign(DeliveryStore.Claimed item, DateTimeOffset at)
    {
        var envelope = item.Event.ToEnvelope();
        var body = JsonSerializer.Serialize(envelope, Json);
        var request = new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", envelope.Id);
        request.Headers.Add("webhook-timestamp", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", new StandardWebhook(item.Secret).Sign(envelope.Id, at, body));
        return request;
    }
}
