using ContactHub.Channels;
using ContactHub.Channels.Email;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.FollowUps;
using ContactHub.Outbox;
using Microsoft.Extensions.Options;

namespace ContactHub.Campaigns;

/// <summary>
/// Turns triggering activity into follow-ups: for each campaign, finds what triggered since the look-back,
/// decides (opted out, capped, no address, quiet hours → deferred), claims the trigger with a unique key —
/// so each trigger acts once, whatever the number of nodes — and queues the message through the outbox.
/// </summary>
public sealed class CampaignEvaluator(
    CampaignStore store, CampaignTriggers triggers, ContactStore contacts, ContactHistory history, ConsentStore consents, ConversationMessenger messenger, OutboundChannels outbound,
    FollowUpStore followUps, IEmailTransport email, CampaignAudience audience, CsatStore csat, ContactHub.BusinessHours.BusinessCalendarStore calendars, IOptions<CampaignOptions> options, IOptions<CsatOptions> csatOptions,
    TimeProvider clock, ILogger<CampaignEvaluator> logger)
{
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var acted = 0;
        foreach (var campaign in await store.ListAsync(ct))
            if (IsLive(campaign, clock.GetUtcNow()))
                acted += (await EvaluateAsync(campaign, apply: true, clock.GetUtcNow(), ct)).Count(d => d.Outcome is "queued" or "created" or "sent");
        return acted;
    }

    /// <summary>Who would be targeted now, and why the others would not, with the earliest activity looked at; nothing is written.</summary>
    public async Task<(IReadOnlyList<Decision> Decisions, DateTimeOffset Since)> PreviewAsync(CampaignRow campaign, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return (await EvaluateAsync(campaign, apply: false, now, ct), Since(campaign, now));
    }

    /// <summary>
    /// The earliest activity the campaign acts on now: from its start (or creation) on, never on the past week at once, and
    /// no further back than <c>Campaigns:Lookback</c>.
    /// </summary>
    private DateTimeOffset Since(CampaignRow campaign, DateTimeOffset now)
    {
        var since = now - options.Value.Lookback;
        var start = Conversations.InteractionValidation.Micro(campaign.StartsAt ?? campaign.CreatedAt); // events are kept at µs
        return start > since ? start : since;
    }

    private static bool IsLive(CampaignRow c, DateTimeOffset now) => c.Paused == 0 && (c.StartsAt is null || c.StartsAt <= now) && (c.EndsAt is null || now < c.EndsAt);

    private async Task<IReadOnlyList<Decision>> EvaluateAsync(CampaignRow campaign, bool apply, DateTimeOffset now, CancellationToken ct)
    {
        var since = Since(campaign, now);
        var known = await store.KnownKeysAsync(campaign.Id, since - options.Value.Lookback, ct);
        var decisions = new List<Decision>();
        // The campaign's business hours, read once for all its candidates.
        var hours = campaign.BusinessHours is { } calendar ? (await calendars.ListAsync(ct)).FirstOrDefault(c => c.Name == calendar)?.Rules() : null;
        // A preview writes nothing, so the cap counts what this pass has already decided for the contact as the evaluation's written sends are counted.
        var decided = new Dictionary<long, int>();
        foreach (var candidate in await triggers.FindAsync(campaign, since, now, ct))
        {
            if (known.Contains(candidate.TriggerKey)) continue;
            var (decision, target) = await DecideAsync(campaign, candidate, now, hours, ct, pending: apply ? 0 : decided.GetValueOrDefault(candidate.ContactId));
            if (decision.Outcome is "queued" or "deferred" or "created") decided[candidate.ContactId] = decided.GetValueOrDefault(candidate.ContactId) + 1;
            decisions.Add(decision);
            if (apply && await store.ClaimAsync(campaign.Id, decision, ct) is { } sendId)
                await ActAsync(campaign, candidate, decision, target, sendId, ct);
        }
        if (apply)
            foreach (var deferred in await store.DueDeferredAsync(campaign.Id, ct))
            {
                if (!await store.TakeDeferredAsync(deferred.Id, ct)) continue; // another node has it
                var candidate = new Candidate(deferred.ContactId, deferred.TriggerKey, null);
                var (decision, target) = await DecideAsync(campaign, candidate, now, hours, ct, ignoreQuietHours: true, self: deferred.Id);
                await ActAsync(campaign, candidate, decision, target, deferred.Id, ct);
            }
        return decisions;
    }

    private async Task<(Decision Decision, string? Target)> DecideAsync(CampaignRow campaign, Candidate candidate, DateTimeOffset now,
        ContactHub.BusinessHours.BusinessHoursRules? hours, CancellationToken ct, bool ignoreQuietHours = false, int pending = 0, long? self = null)
    {
        Decision Skip(string reason) => new(candidate.ContactId, candidate.TriggerKey, "skipped", reason);
        if (campaign.Parameters.Audience is { } wanted && await audience.ExcludesAsync(wanted, candidate.ContactId, ct) is { } outside) return (Skip(outside), null);
        if (campaign.Action == "follow-up") return (new(candidate.ContactId, candidate.TriggerKey, "created", null), null);
        if (campaign.TriggerKind == Triggers.FollowUpOverdue) // a reminder to the agent, not a message to the customer
            return IdentifierNormalizer.Email(candidate.Agent) is { } agentEmail
                ? (new(candidate.ContactId, candidate.TriggerKey, "queued", null), agentEmail)
                : (Skip("the follow-up's agent has no email address"), null);

        // A channel without its settings (Twilio's, Email:FromAddress): said in the preview, not found out by every send.
        if (outbound.Find(campaign.Channel!)?.Unavailable is { } unavailable) return (Skip(unavailable), null);
        var contact = await contacts.GetAsync(candidate.ContactId, ct);
        var kind = campaign.Channel == Channel.Email ? IdentifierKind.Email : IdentifierKind.Phone;
        var target = contact?.Identifiers.FirstOrDefault(i => i.Kind == kind)?.Value;
        if (target is null) return (Skip($"no {(kind == IdentifierKind.Email ? "email address" : "phone number")} for {campaign.Channel}"), null);
        if (!await consents.AllowsAsync(candidate.ContactId, campaign.Channel!, ct)) return (Skip($"opted out of {campaign.Channel}"), null);
        if (campaign.CapCount is > 0 && campaign.CapDays is > 0
            && pending + await store.RecentSendsAsync(candidate.ContactId, now.AddDays(-campaign.CapDays.Value), self, ct) >= campaign.CapCount)
            return (Skip($"frequency cap: {campaign.CapCount} per {campaign.CapDays} days"), null);
        if (!ignoreQuietHours)
        {
            var zone = QuietHours.ZoneOf(kind == IdentifierKind.Phone ? target : contact!.Identifiers.FirstOrDefault(i => i.Kind == IdentifierKind.Phone)?.Value, options.Value.DefaultTimeZone);
            var allowed = QuietHours.NextAllowed(now, campaign.QuietStart, campaign.QuietEnd, zone);
            if (allowed > now) return (new(candidate.ContactId, candidate.TriggerKey, "deferred", $"quiet hours in {zone.Id}", allowed), target);
            // Only while the centre is open (a calendar's hours, holidays included), so that a reply finds someone.
            if (hours is not null && !hours.IsOpen(now))
                return (new(candidate.ContactId, candidate.TriggerKey, "deferred", $"outside the business hours of {campaign.BusinessHours}", hours.NextChange(now) ?? now.AddDays(1)), target);
        }
        return (new(candidate.ContactId, candidate.TriggerKey, "queued", null), target);
    }

    /// <summary>
    /// The survey's message: the campaign's text (or Csat:Question); an email adds one link per score to ContactHub's survey page,
    /// which asks the customer to confirm (a mail scanner opening links answers nothing).
    /// </summary>
    private SendMessageRequest SurveyRequest(CampaignRow campaign, long conversationId, SendMessageRequest request)
    {
        var question = campaign.Body ?? (campaign.Template is null ? csatOptions.Value.Question : null);
        if (campaign.Channel != Channel.Email) return request with { Body = question };
        if (csatOptions.Value.PublicBaseUrl is not { } baseUrl) return request with { Body = null, Template = null };
        var token = Uri.EscapeDataString(csat.LinkToken(conversationId));
        string[] labels = ["very poor", "poor", "fair", "good", "excellent"];
        var links = string.Join("\n", labels.Select((label, i) => $"{i + 1} – {label}: {baseUrl.TrimEnd('/')}/csat/{token}?score={i + 1}"));
        return request with { Subject = "How did we do?", Body = $"{question ?? csatOptions.Value.Question}\n\n{links}\n", Template = null };
    }

    private async Task ActAsync(CampaignRow campaign, Candidate candidate, Decision decision, string? target, long sendId, CancellationToken ct)
    {
        switch (decision.Outcome)
        {
            case "skipped":
                await store.SettleAsync(sendId, "skipped", decision.Reason, null, ct);
                return;
            case "deferred":
                return; // claimed as deferred; taken again when its time comes
            case "created":
                await followUps.CreateAsync(candidate.ContactId, candidate.ConversationId, campaign.Name, $"From campaign '{campaign.Name}' ({candidate.TriggerKey})",
                    campaign.AssignTo, clock.GetUtcNow(), $"campaign:{campaign.Id}", ct);
                await store.SettleAsync(sendId, "created", null, null, ct);
                return;
        }

        if (campaign.TriggerKind == Triggers.FollowUpOverdue)
        {
            var text = campaign.Body ?? $"The follow-up '{candidate.FollowUpTitle}' (contact {candidate.ContactId}) is overdue.";
            var result = (await email.SendAsync([new OutgoingEmail(target!, $"Overdue: {candidate.FollowUpTitle}", text, null, EmailComposer.NewMessageId("contacthub.local"))], ct)).Single();
            await store.SettleAsync(sendId, result.Sent ? "sent" : "failed", result.Error, null, ct);
            return;
        }

        var conversationId = candidate.ConversationId ?? (await history.ConversationsAsync(candidate.ContactId, 1, ct)).FirstOrDefault()?.Id;
        if (conversationId is null)
        {
            await store.SettleAsync(sendId, "skipped", "the contact has no conversation", null, ct);
            return;
        }
        var request = new SendMessageRequest(campaign.Channel, To: target, Body: campaign.Body, Template: campaign.Template, Purpose: "marketing",
            Agent: $"campaign:{campaign.Name}", ContentTemplate: campaign.ContentTemplate);
        if (campaign.Action == "csat")
        {
            if (await csat.ForConversationAsync(conversationId.Value, ct) is not null)
            {
                await store.SettleAsync(sendId, "skipped", "the conversation was already surveyed", null, ct);
                return;
            }
            request = SurveyRequest(campaign, conversationId.Value, request);
            if (request.Body is null && request.Template is null && request.ContentTemplate is null)
            {
                await store.SettleAsync(sendId, "skipped", "email surveys need Csat:PublicBaseUrl for their links", null, ct);
                return;
            }
        }
        var sent = await messenger.SendAsync(conversationId.Value, request, summary: true, idempotencyKey: $"campaign:{campaign.Id}:{candidate.TriggerKey}", ct, campaignId: campaign.Id);
        if (sent.Outcome == MessageOutcome.Queued)
        {
            if (campaign.Action == "csat")
                await csat.OpenAsync(conversationId.Value, candidate.ContactId, campaign.Id, campaign.Channel!, candidate.Agent, sent.Queued!.InteractionId, ct);
            await store.SettleAsync(sendId, "queued", null, sent.Queued!.InteractionId, ct);
            CampaignLog.Queued(logger, campaign.Id, candidate.ContactId, campaign.Channel!);
        }
        else
            await store.SettleAsync(sendId, "skipped", sent.Detail ?? string.Join("; ", sent.Errors?.SelectMany(e => e.Value) ?? []), null, ct);
    }
}
