using ContactHub.Campaigns;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.FollowUps;

namespace ContactHub.Desk;

public sealed record DeskView(Texts T, string User, bool CanWrite, IReadOnlyList<ConversationSummary> Active, string Filter, string? Channel,
    ConversationDetail? Selected, IReadOnlyList<FollowUp> FollowUps, string? Flash, string? Error, string FormKey, IReadOnlyDictionary<long, string> Labels,
    long EventCursor, IReadOnlyList<ContactHub.Conversations.WrapUpCode> WrapUpCodes, bool WrapUpRequired)
{
    /// <summary>The channels a message can go out on here (their settings given), in the order the form offers them.</summary>
    public IReadOnlyList<string> Sendable { get; init; } = [];

    /// <summary>Where the page's event stream starts: the log's head when the page was read, so that nothing after it is missed.</summary>
    public string EventsUrl => $"/desk/events?after={EventCursor}";

    /// <summary>A contact as the desk names it: its name, else a phone or email of theirs.</summary>
    public string Who(long contactId, string? name) => name ?? Labels.GetValueOrDefault(contactId) ?? $"#{contactId}";
}

public sealed record ContactView(Texts T, string User, bool CanWrite, Contact Contact, IReadOnlyList<Consent> Consents, ActivityPage Activities,
    IReadOnlyList<ConversationSummary> Conversations, IReadOnlyList<DuplicateCandidate> Duplicates, string? Flash, string? Error, long? UndoMergeId)
{
    /// <summary>The contact's attributes, typed (empty when it has none).</summary>
    public IReadOnlyDictionary<string, object> Attributes => Contact.Attributes ?? new Dictionary<string, object>();

    /// <summary>The wrap-up codes of the conversations listed, in the versions they were given.</summary>
    public IReadOnlyList<ContactHub.Conversations.AppliedWrapUp> WrapUps { get; init; } = [];

    /// <summary>The attribute schema, for the edit form.</summary>
    public IReadOnlyList<AttributeDefinition> Schema { get; init; } = [];
}

/// <param name="Results">Each with its phones and email addresses, which tell two contacts of the same name apart (and name one that has none).</param>
public sealed record SearchView(Texts T, string User, string Query, IReadOnlyList<ContactSummary> Results);

public sealed record SignInView(Texts T, string? Error, string ReturnUrl, bool Oidc);

/// <summary>The embed: the contact with a page of activities (older pages by link), or a new caller's number, or neither (a bad token).</summary>
public sealed record EmbedView(Texts T, ScreenPop? Pop, ActivityPage? Activities = null, Identifier? NewCaller = null, string? Token = null);
