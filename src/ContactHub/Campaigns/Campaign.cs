using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContactHub.Campaigns;

public static class Triggers
{
    public const string MissedCallNotReturned = "missed-call-not-returned";
    public const string ConversationEnded = "conversation-ended";
    public const string InactiveCustomer = "inactive-customer";
    public const string FollowUpOverdue = "follow-up-overdue";
    public static readonly IReadOnlyList<string> All = [MissedCallNotReturned, ConversationEnded, InactiveCustomer, FollowUpOverdue];
}

/// <summary>A trigger's parameters: minutes after the event, days of inactivity, past conversations, channels and agents to keep, and the audience.</summary>
public sealed record TriggerParams(int? Minutes = null, int? Days = null, int? MinConversations = null, string[]? Channels = null, string[]? Agents = null,
    Audience? Audience = null);

/// <summary>
/// Who among the triggered contacts the campaign is for: every attribute equal to its value (canonical, as the schema stores it),
/// every tag in <paramref name="Tags"/>, none in <paramref name="NotTags"/>, and the last ended conversation wrapped up with one of
/// <paramref name="LastWrapUp"/>. A contact left out is skipped with the condition it failed as the reason.
/// </summary>
public sealed record Audience(Dictionary<string, string>? Attributes = null, string[]? Tags = null, string[]? NotTags = null, string[]? LastWrapUp = null);

/// <summary>The stored row.</summary>
public sealed record CampaignRow(long Id, string Name, string TriggerKind, string? TriggerParams, string Action, string? Channel, string? Template, string? Body,
    string? AssignTo, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? QuietStart, string? QuietEnd, long? CapCount, long? CapDays, long Paused,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? ContentTemplate, string? BusinessHours)
{
    public TriggerParams Parameters => TriggerParams is null ? new() : JsonSerializer.Deserialize<TriggerParams>(TriggerParams, Json)!;

    public Campaign ToCampaign() => new(Id, Name, TriggerKind, Parameters, Action, Channel, Template, Body, AssignTo, StartsAt, EndsAt, QuietStart, QuietEnd,
        CapCount, CapDays, Paused != 0, CreatedAt, UpdatedAt, ContentTemplate, BusinessHours);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}

public sealed record Campaign(long Id, string Name, string Trigger, TriggerParams Parameters, string Action, string? Channel, string? Template, string? Body,
    string? AssignTo, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? QuietStart, string? QuietEnd, long? CapCount, long? CapDays, bool Paused,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? ContentTemplate = null, string? BusinessHours = null);

public sealed record CampaignSend(long Id, long CampaignId, long ContactId, string TriggerKey, string Status, string? Reason, long? InteractionId,
    DateTimeOffset? ScheduledFor, DateTimeOffset CreatedAt);

/// <summary>One triggering event: who, which event (the unique key), and where it happened.</summary>
public sealed record Candidate(long ContactId, string TriggerKey, long? ConversationId, string? Agent = null, long? FollowUpId = null, string? FollowUpTitle = null);

/// <summary>What the evaluator decided, or would decide, for one candidate.</summary>
public sealed record Decision(long ContactId, string TriggerKey, string Outcome, string? Reason, DateTimeOffset? ScheduledFor = null);
