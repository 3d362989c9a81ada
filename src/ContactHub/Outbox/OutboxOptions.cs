using System.ComponentModel.DataAnnotations;

namespace ContactHub.Outbox;

public sealed class OutboxOptions : IValidatableObject
{
    public const string Section = "Outbox";

    /// <summary>Attempts before a message is given up as failed (its last error kept).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First retry delay; each further attempt doubles it (with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the dispatcher looks for due messages when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages claimed per round (emails of one round share one SMTP connection).</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How long a claim holds; a node that died mid-send releases its messages after this.</summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Run the dispatcher in this process (turn off on API-only nodes).</summary>
    public bool DispatcherEnabled { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (MaxAttempts is < 1 or > 50) yield return new($"{Section}:MaxAttempts must be between 1 and 50.");
        if (BatchSize is < 1 or > 1000) yield return new($"{Section}:BatchSize must be between 1 and 1000.");
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromMinutes(10)) yield return new($"{Section}:PollInterval must be between 00:00:00.010 and 00:10:00.");
        if (LockDuration < TimeSpan.FromSeconds(1)) yield return new($"{Section}:LockDuration must be at least 00:00:01.");
        if (RetryBaseDelay < TimeSpan.Zero) yield return new($"{Section}:RetryBaseDelay must not be negative.");
    }
}
