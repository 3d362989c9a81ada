namespace ContactHub.Conversations;

public static class Directions
{
    public static readonly IReadOnlyList<string> All = ["inbound", "outbound"];
}

/// <summary>A conversation as stored: channels used so far are kept in order as ",chat,call,".</summary>
public sealed record ConversationRow(long Id, long ContactId, string? ContactName, string Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    DateTimeOffset LastActivityAt, string? Agent, string? Subject, string? Summary, string Channels, string? LastChannel, long InteractionCount)
{
    public IReadOnlyList<string> ChannelList => Channels.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static string AddChannel(string channels, string channel) =>
        channels.Contains($",{channel},", StringComparison.Ordinal) ? channels : (channels.Length == 0 ? "," : channels) + channel + ",";

    public ConversationSummary ToSummary() => new(Id, ContactId, ContactName, Status, StartedAt, EndedAt, LastActivityAt, Agent, Subject, Summary, ChannelList, LastChannel, InteractionCount);
}

/// <summary>A row of the active conversations list, and the head of a conversation's documents.</summary>
public sealed record ConversationSummary(long Id, long ContactId, string? ContactName, string Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    DateTimeOffset LastActivityAt, string? Agent, string? Subject, string? Summary, IReadOnlyList<string> Channels, string? CurrentChannel, long InteractionCount);

public sealed record Note(long Id, long ConversationId, string? Author, string Body, DateTimeOffset CreatedAt);

public sealed record InteractionView(long Id, long ConversationId, long ContactId, string Channel, string Direction, DateTimeOffset OccurredAt, DateTimeOffset? EndedAt,
    long? DurationSeconds, string? Agent, string? Status, string? Subject, string? Body, string? Provider, string? ProviderRef, string? Metadata, string? Error);

/// <summary>The "selected conversation documents": everything across channels, in order, with notes and the wrap-up codes it was given.</summary>
public sealed record ConversationDetail(ConversationSummary Conversation, IReadOnlyList<InteractionView> Interactions, IReadOnlyList<Note> Notes,
    IReadOnlyList<AppliedWrapUp> WrapUps, IReadOnlyList<string> Tags);
