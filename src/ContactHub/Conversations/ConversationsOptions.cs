using System.ComponentModel.DataAnnotations;

namespace ContactHub.Conversations;

public sealed class ConversationsOptions : IValidatableObject
{
    public const string Section = "Conversations";

    /// <summary>An event joins the contact's active conversation when its last activity is this recent, on any channel.</summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often idle conversations are looked for and ended.</summary>
    public TimeSpan IdleCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Channels whose conversations cannot end without a wrap-up code (e.g. ["call", "chat"]); none by default.</summary>
    public string[] RequireWrapUpFor { get; set; } = [];

    /// <summary>The grouping rule (DESIGN §5), for the recorder and the bulk import alike: does an event continue a conversation last active then?</summary>
    public bool Continues(DateTimeOffset lastActivityAt, DateTimeOffset occurredAt)
    {
        var (from, to) = ContinuedBetween(occurredAt);
        return lastActivityAt >= from && lastActivityAt <= to;
    }

    /// <summary>The last activities, bounds included, of a conversation that an event at <paramref name="occurredAt"/> continues.</summary>
    public (DateTimeOffset From, DateTimeOffset To) ContinuedBetween(DateTimeOffset occurredAt) => (occurredAt - InactivityTimeout, occurredAt + InactivityTimeout);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (InactivityTimeout < TimeSpan.FromSeconds(1) || InactivityTimeout > TimeSpan.FromDays(30))
            yield return new($"{Section}:InactivityTimeout must be between 00:00:01 and 30.00:00:00 (was {InactivityTimeout}).");
        if (IdleCheckInterval < TimeSpan.FromSeconds(1) || IdleCheckInterval > TimeSpan.FromHours(1))
            yield return new($"{Section}:IdleCheckInterval must be between 00:00:01 and 01:00:00 (was {IdleCheckInterval}).");
        if (RequireWrapUpFor.FirstOrDefault(c => !Channels.Channel.IsKnown(c)) is { } unknown)
            yield return new($"{Section}:RequireWrapUpFor: '{unknown}' is not a channel ({Channels.Channel.List(Channels.Channel.All)}).");
    }
}
