using ContactHub.Campaigns;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.FollowUps;

namespace ContactHub.Desk;

public sealed record DeskView(Texts T, string User, bool CanWrite, IReadOnlyList<ConversationSummary> Active, string Filter, string? Channel,
    ConversationDetail? Selected, IReadOnlyList<FollowUp> FollowUps, string? Flash, string? Error, string FormKey);

public sealed record ContactView(Texts T, string User, bool CanWrite, Contact Contact, IReadOnlyList<Consent> Consents, ActivityPage Activities,
    IReadOnlyList<ConversationSummary> Conversations, IReadOnlyList<DuplicateCandidate> Duplicates, string? Flash, string? Error, long? UndoMergeId);

public sealed record SearchView(Texts T, string User, string Query, IReadOnlyList<ContactSummary> Results);

public sealed record SignInView(Texts T, string? Error, string ReturnUrl, bool Oidc);

public sealed record EmbedView(Texts T, ScreenPop? Pop);
