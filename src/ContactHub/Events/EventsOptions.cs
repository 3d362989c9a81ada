using System.ComponentModel.DataAnnotations;

namespace ContactHub.Events;

/// <summary>The event log's sequencer, the live stream and the webhook subscriptions' delivery (section <c>Events</c>).</summary>
public sealed class EventsOptions : IValidatableObject
{
    public const string Section = "Events";

    /// <summary>How often a node looks for committed events to number when nothing woke it (other nodes' appends).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A stream with nothing to send writes a comment this often, so that proxies keep it open.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Off on a node that should not send webhooks (another node of the cluster does).</summary>
    public bool DeliveriesEnabled { get; set; } = true;

    /// <summary>How long a subscriber has to answer one delivery.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry's delay; each later one doubles it (with ±20% jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A subscription failing without a single success for this long is disabled, with the reason kept; its events wait.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>Deliveries in flight at once on this node (different contacts; one contact's events go one after the other).</summary>
    public int MaxConcurrentDeliveries { get; set; } = 8;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (PollInterval <= TimeSpan.Zero || Heartbeat <= TimeSpan.Zero || DeliveryTimeout <= TimeSpan.Zero || RetryBaseDelay <= TimeSpan.Zero)
            yield return new($"{Section}:PollInterval, Heartbeat, DeliveryTimeout and RetryBaseDelay must be positive durations (hh:mm:ss).");
        if (MaxRetryDelay < RetryBaseDelay) yield return new($"{Section}:MaxRetryDelay must be at least {Section}:RetryBaseDelay.");
        if (DisableAfter <= TimeSpan.Zero) yield return new($"{Section}:DisableAfter must be a positive duration (d.hh:mm:ss).");
        if (MaxConcurrentDeliveries is < 1 or > 256) yield return new($"{Section}:MaxConcurrentDeliveries must be between 1 and 256.");
    }
}
