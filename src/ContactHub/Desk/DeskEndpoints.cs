using System.Reflection;
using ContactHub.Campaigns;
using ContactHub.Channels;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Desk.Components;
using ContactHub.Events;
using ContactHub.FollowUps;
using ContactHub.Hosting;
using ContactHub.Outbox;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ContactHub.Desk;

/// <summary>
/// The agent desk: server-rendered pages (Razor components, no client framework), forms that post back and redirect,
/// fragments that a few lines of script refresh (the active list and the open conversation as events arrive on /desk/events, every 3 s
/// while that stream is down; the next page of a timeline).
/// </summary>
public static class DeskEndpoints
{
    public static void MapDesk(this IEndpointRouteBuilder routes)
    {
        routes.MapDeskAuth();
        var desk = routes.MapGroup("/desk").ExcludeFromDescription().RequireAuthorization(DeskAuth.ReadPolicy).AddEndpointFilter(ContentSecurityPolicy);
        desk.MapGet("/", Desk);
        desk.MapGet("/active", ActiveFragment);
        desk.MapGet("/events", Events);
        desk.MapGet("/search", Search);
        desk.MapGet("/contacts/{id:long}", ContactPage);
        desk.MapGet("/contacts/{id:long}/activities", ActivitiesFragment);
        var write = desk.MapGroup("/").RequireAuthorization(DeskAuth.WritePolicy);
        write.MapPost("/conversations/{id:long}/messages", SendMessage);
        write.MapPost("/conversations/{id:long}/notes", AddNote);
        write.MapPost("/conversations/{id:long}/follow-ups", AddFollowUp);
        write.MapPost("/conversations/{id:long}/end", End);
        write.MapPost("/contacts/{id:long}/merge", Merge);
        write.MapPost("/contacts/{id:long}/tags", AddTag);
        write.MapPost("/conversations/{id:long}/tags", TagConversation);
        write.MapPost("/conversations/{id:long}/tags/remove", UntagConversation);
        write.MapPost("/contacts/{id:long}/attributes", SetAttributes);
        write.MapPost("/contacts/{id:long}/tags/remove", RemoveTag);
        write.MapPost("/merges/{id:long}/undo", Undo);
        routes.MapGet("/desk/assets/{file}", Asset).ExcludeFromDescription().AllowAnonymous();
    }

    private static string Agent(HttpContext http) => JwtScopes.AgentOf(http.User) ?? http.User.Identity?.Name ?? "agent";

    private static bool CanWrite(HttpContext http) => http.User.HasClaim(Scopes.ClaimType, Scopes.Write);

    private static async Task<IResult> Desk(HttpContext http, ConversationStore conversations, FollowUpStore followUps, ContactStore contacts, EventLog events,
        WrapUpCodeStore wrapUps, OutboundChannels outbound, IOptions<ConversationsOptions> conversationOptions, CancellationToken ct, long? conversation = null, string? filter = null, string? channel = null, string? done = null, string? error = null)
    {
        var texts = Texts.For(http);
        // Read before the page's data: the stream the page opens starts here, so a change made while the page loads still arrives.
        var cursor = await events.HeadAsync(ct);
        filter = filter == "mine" ? "mine" : "all";
        channel = channel is not null && Channel.IsKnown(channel) ? channel : null;
        var active = await conversations.ListAsync("active", filter == "mine" ? Agent(http) : null, channel, 200, ct);
        var selected = conversation is { } id ? await conversations.GetDetailAsync(id, ct) : null;
        IReadOnlyList<FollowUp> tasks = selected is null ? [] : (await followUps.ListAsync(new FollowUpFilter(null, null, selected.Conversation.ContactId, null, null, 200), ct))
            .Where(f => f.ConversationId == selected.Conversation.Id || f.Status == "open").ToList();
        var labels = await contacts.LabelsAsync(active.Where(a => a.ContactName is null).Select(a => a.ContactId)
            .Concat(selected?.Conversation is { ContactName: null } unnamed ? [unnamed.ContactId] : []), ct);
        var view = new DeskView(texts, Agent(http), CanWrite(http), active, filter, channel, selected, tasks, Flash(texts, done), error, Guid.NewGuid().ToString("N"), labels, cursor,
            selected is null ? [] : await wrapUps.ListAsync(includeRetired: false, ct), selected is not null && RequiresWrapUp(conversationOptions.Value, selected.Conversation))
        {
            // Only what can go out here: a channel without its settings would answer the agent with an error after they wrote.
            Sendable = [.. new[] { Channel.Sms, Channel.WhatsApp, Channel.Email }.Where(c => outbound.Find(c) is { Unavailable: null })],
        };
        return new RazorComponentResult<DeskPage>(new { View = view });
    }

    private static async Task<IResult> ActiveFragment(HttpContext http, ConversationStore conversations, ContactStore contacts, CancellationToken ct,
        string? filter = null, string? channel = null, long? selected = null)
    {
        channel = channel is not null && Channel.IsKnown(channel) ? channel : null;
        var active = await conversations.ListAsync("active", filter == "mine" ? Agent(http) : null, channel, 200, ct);
        var labels = await contacts.LabelsAsync(active.Where(a => a.ContactName is null).Select(a => a.ContactId), ct);
        return new RazorComponentResult<ActiveList>(new { T = Texts.For(http), Items = active, Selected = selected, Filter = filter ?? "all", Channel = channel, Labels = labels });
    }

    /// <summary>What the desk redraws for: a conversation's messages and moves, as Server-Sent Events (the page falls back to polling without them).</summary>
    private static readonly IReadOnlyList<string> DeskEvents =
    [
        EventTypes.InteractionRecorded, EventTypes.InteractionStatusChanged, EventTypes.ConversationStarted, EventTypes.ConversationAssigned, EventTypes.ConversationEnded,
    ];

    private static async Task Events(HttpContext http, EventStream stream, CancellationToken ct, long? after = null) =>
        await stream.WriteAsync(http, await stream.StartAsync(http, after is >= 0 ? after : null, ct), DeskEvents, null, ct);

    /// <summary>
    /// The search box: a name, an identifier or a number as dialled; "#vip" lists the contacts tagged vip, and "tier:gold" those whose
    /// attribute tier is gold (when tier is a defined attribute).
    /// </summary>
    private static async Task<IResult> Search(HttpContext http, ContactStore contacts, TagStore tags, ContactAttributeStore attributes, IdentifierNormalizer normalizer,
        CancellationToken ct, string? q = null)
    {
        var query = q?.Trim() ?? "";
        var schema = await attributes.SchemaAsync(ct);
        var attribute = query.Split(':', 2) is [var key, var value] && schema.TryGetValue(key.Trim(), out var definition)
            ? (Definition: definition, Value: definition.Canonical(value.Trim()).Value) : default;
        IReadOnlyList<ContactSummary> results =
            query.StartsWith('#') && TagStore.Normalize(query[1..]) is { } tag ? await tags.ContactsTaggedAsync(tag, 50, ct)
            : attribute.Definition is not null ? (attribute.Value is { } canonical ? await attributes.ContactsWithAsync(attribute.Definition.Key, canonical, 50, ct) : [])
            : query.Length is >= 2 and <= 320 ? await contacts.SearchAsync(query, normalizer, 20, ct) : [];
        if (results.Count == 1) return TypedResults.LocalRedirect($"/desk/contacts/{results[0].Id}");
        return new RazorComponentResult<SearchPage>(new { View = new SearchView(Texts.For(http), Agent(http), query, await contacts.WithReachAsync(results, ct)) });
    }

    private static async Task<IResult> ContactPage(long id, HttpContext http, ContactStore contacts, ContactHistory history, ConsentStore consents,
        ContactAttributeStore attributes, WrapUpCodeStore wrapUps, AuditLog audit, CancellationToken ct, string? done = null, string? error = null, long? merge = null)
    {
        if (await contacts.GetWithValuesAsync(id, ct) is not var (found, values)) return TypedResults.NotFound();
        var contact = found with { Attributes = await attributes.TypedAsync(values, ct) };
        if (contact.RedirectedFrom is not null) return TypedResults.LocalRedirect($"/desk/contacts/{contact.Id}");
        audit.Write(http, "contact.read", "contact", id, id, "desk");
        var duplicates = (await contacts.DuplicatesAsync(500, ct)).Where(d => d.ContactId == id || d.OtherContactId == id).ToList();
        var texts = Texts.For(http);
        var conversations = await history.ConversationsAsync(id, 50, ct);
        var view = new ContactView(texts, Agent(http), CanWrite(http), contact, await consents.ListAsync(id, ct), await history.ActivitiesAsync(id, null, 50, null, ct),
            conversations, duplicates, Flash(texts, done), error, merge)
        {
            Schema = (await attributes.SchemaAsync(ct)).Values.OrderBy(d => d.Key, StringComparer.Ordinal).ToList(),
            WrapUps = await wrapUps.AppliedAsync(conversations.Select(c => c.Id), ct),
        };
        return new RazorComponentResult<ContactPage>(new { View = view });
    }

    private static async Task<IResult> ActivitiesFragment(long id, HttpContext http, ContactHistory history, CancellationToken ct, string? before = null)
    {
        if (!ActivityCursor.TryDecode(before, out var cursor)) return TypedResults.BadRequest();
        var page = await history.ActivitiesAsync(id, cursor, 50, null, ct);
        return new RazorComponentResult<TimelineItems>(new { T = Texts.For(http), ContactId = id, Page = page });
    }

    private static async Task<IResult> SendMessage(long id, HttpContext http, [FromForm] string? channel, [FromForm] string? body, [FromForm] string? template,
        [FromForm] string? formKey, ConversationMessenger messenger, CancellationToken ct)
    {
        var request = new SendMessageRequest(channel, Body: string.IsNullOrWhiteSpace(body) ? null : body, Template: string.IsNullOrWhiteSpace(template) ? null : template.Trim(),
            Agent: Agent(http));
        // The form's one-time key makes a double submit (or a refresh of the POST) send once.
        var result = await messenger.SendAsync(id, request, summary: false, idempotencyKey: formKey is { Length: > 0 and <= 64 } ? "desk:" + formKey : null, ct);
        return Back(id, result.Outcome == MessageOutcome.Queued ? "sent" : null, result.Outcome == MessageOutcome.Queued ? null : Problem(Texts.For(http), result));
    }

    private static async Task<IResult> AddNote(long id, HttpContext http, [FromForm] string? body, ConversationStore conversations, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body) || body.Length > 20_000) return Back(id, null, Texts.For(http).NoteLength);
        return await conversations.AddNoteAsync(id, Agent(http), body.Trim(), ct) is null ? TypedResults.NotFound() : Back(id, "saved", null);
    }

    /// <summary>The due time is what the agent typed in a datetime-local field: a wall-clock time in the browser's zone (sent by desk.js).</summary>
    private static async Task<IResult> AddFollowUp(long id, HttpContext http, [FromForm] string? title, [FromForm] string? due, [FromForm] string? timeZone,
        ConversationStore conversations, FollowUpStore followUps, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length > 500) return Back(id, null, Texts.For(http).TitleLength);
        DateTimeOffset? dueAt = null;
        if (!string.IsNullOrWhiteSpace(due))
        {
            var zone = LocalTimes.TryFindZone(timeZone, out var agentZone) ? agentZone : TimeZoneInfo.Utc;
            if (!LocalTimes.TryRead(due, zone, endOfDay: false, out var at)) return Back(id, null, Texts.For(http).BadDue);
            dueAt = at;
        }
        if (await conversations.GetAsync(id, ct) is not { } conversation) return TypedResults.NotFound();
        await followUps.CreateAsync(conversation.ContactId, id, title.Trim(), null, Agent(http), dueAt, Agent(http), ct);
        return Back(id, "saved", null);
    }

    private static bool RequiresWrapUp(ConversationsOptions options, ConversationSummary conversation) =>
        options.RequireWrapUpFor.Intersect(conversation.Channels).Any();

    private static async Task<IResult> End(long id, HttpContext http, [FromForm] string? summary, [FromForm] string? sendSms,
        ConversationStore conversations, ConversationMessenger messenger, WrapUpCodeStore wrapUps, IOptions<ConversationsOptions> options, CancellationToken ct)
    {
        // The ticked wrap-up codes: one "wrapUp" field each (read from the form itself: binding string[] from a form fails on .NET 10's string.TryParse).
        var codes = (await http.Request.ReadFormAsync(ct))["wrapUp"].Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!).ToList();
        if (summary?.Length > 20_000) return Back(id, null, Texts.For(http).SummaryLength);
        if (await conversations.GetAsync(id, ct) is not { Status: "active" } conversation) return Back(id, null, Texts.For(http).AlreadyEnded);
        if ((await wrapUps.UnknownAsync(codes, ct)).Count > 0) return Back(id, null, Texts.For(http).WrapUpUnknown);
        if (codes.Count == 0 && RequiresWrapUp(options.Value, conversation) && (await wrapUps.AppliedAsync([id], ct)).Count == 0)
            return Back(id, null, Texts.For(http).WrapUpRequired);
        if (sendSms is "on" or "true")
        {
            var result = await messenger.SendAsync(id, new SendMessageRequest(Channel.Sms, Template: "conversation-summary", Agent: Agent(http)), summary: true,
                idempotencyKey: $"summary:{id}", ct, summaryText: summary);
            if (result.Outcome != MessageOutcome.Queued) return Back(id, null, Problem(Texts.For(http), result));
        }
        if (!await conversations.EndAsync(id, string.IsNullOrWhiteSpace(summary) ? null : summary.Trim(), ct, codes, Agent(http)))
            return Back(id, null, Texts.For(http).WrapUpUnknown);
        return Back(id, "ended", null);
    }

    /// <summary>The contact page's attribute form: a field "attr.{key}" per attribute; an empty one removes the value.</summary>
    private static async Task<IResult> SetAttributes(long id, HttpContext http, ContactStore contacts, ContactAttributeStore attributes, CancellationToken ct)
    {
        if (await contacts.GetAsync(id, ct) is not { } contact) return TypedResults.NotFound();
        var current = await attributes.ValuesAsync(contact.Id, ct);
        var given = (await http.Request.ReadFormAsync(ct)).Where(f => f.Key.StartsWith("attr.", StringComparison.Ordinal))
            .Select(f => (Key: f.Key[5..], Value: f.Value.ToString().Trim()))
            .Where(f => f.Value.Length > 0 || current.ContainsKey(f.Key)) // an empty field removes only what is there
            .ToDictionary(f => f.Key, f => f.Value.Length == 0 ? System.Text.Json.JsonSerializer.SerializeToElement<string?>(null)
                : System.Text.Json.JsonSerializer.SerializeToElement(f.Value));
        var (values, errors) = AttributeRules.Check(given, await attributes.SchemaAsync(ct), "attributes");
        if (errors.Count > 0)
            return TypedResults.LocalRedirect($"/desk/contacts/{contact.Id}?error=" + Uri.EscapeDataString(string.Join(" ", errors.Select(e => $"{e.Key[11..]}: {e.Value[0]}"))));
        await attributes.SetAsync(contact.Id, values, ct);
        return TypedResults.LocalRedirect($"/desk/contacts/{contact.Id}#attributes");
    }

    private static async Task<IResult> TagConversation(long id, HttpContext http, [FromForm] string? tag, TagStore tags, ConversationStore conversations, CancellationToken ct)
    {
        if (await conversations.GetAsync(id, ct) is null) return TypedResults.NotFound();
        if (TagStore.Normalize(tag) is not { } normal) return Back(id, null, Texts.For(http).BadTag);
        await tags.ChangeAsync(TagTarget.Conversation, id, [normal], [], ct);
        return Back(id, null, null);
    }

    private static async Task<IResult> UntagConversation(long id, [FromForm] string? tag, TagStore tags, ConversationStore conversations, CancellationToken ct)
    {
        if (await conversations.GetAsync(id, ct) is null) return TypedResults.NotFound();
        if (TagStore.Normalize(tag) is { } normal) await tags.ChangeAsync(TagTarget.Conversation, id, [], [normal], ct);
        return Back(id, null, null);
    }

    private static async Task<IResult> AddTag(long id, HttpContext http, [FromForm] string? tag, TagStore tags, ContactStore contacts, CancellationToken ct)
    {
        if (await contacts.GetAsync(id, ct) is not { } contact) return TypedResults.NotFound();
        id = contact.Id;
        if (TagStore.Normalize(tag) is not { } normal)
            return TypedResults.LocalRedirect($"/desk/contacts/{id}?error=" + Uri.EscapeDataString(Texts.For(http).BadTag));
        await tags.ChangeAsync(TagTarget.Contact, id, [normal], [], ct);
        return TypedResults.LocalRedirect($"/desk/contacts/{id}#tags");
    }

    private static async Task<IResult> RemoveTag(long id, [FromForm] string? tag, TagStore tags, ContactStore contacts, CancellationToken ct)
    {
        if (await contacts.GetAsync(id, ct) is not { } contact) return TypedResults.NotFound();
        id = contact.Id;
        if (TagStore.Normalize(tag) is { } normal) await tags.ChangeAsync(TagTarget.Contact, id, [], [normal], ct);
        return TypedResults.LocalRedirect($"/desk/contacts/{id}#tags");
    }

    private static async Task<IResult> Merge(long id, HttpContext http, [FromForm] long? source, MergeStore merges, CancellationToken ct)
    {
        if (source is not { } other) return TypedResults.LocalRedirect($"/desk/contacts/{id}?error=" + Uri.EscapeDataString("Choose the contact to merge."));
        var (outcome, problem, result) = await merges.MergeAsync(id, other, Agent(http), ct);
        return result is null
            ? TypedResults.LocalRedirect($"/desk/contacts/{id}?error=" + Uri.EscapeDataString(problem ?? outcome.ToString()))
            : TypedResults.LocalRedirect($"/desk/contacts/{id}?done=merged&merge={result.MergeId}");
    }

    private static async Task<IResult> Undo(long id, HttpContext http, [FromForm] long contact, MergeStore merges, CancellationToken ct)
    {
        var (_, problem) = await merges.UndoAsync(id, Agent(http), ct);
        return TypedResults.LocalRedirect($"/desk/contacts/{contact}" + (problem is null ? "?done=undone" : "?error=" + Uri.EscapeDataString(problem)));
    }

    private static RedirectHttpResult Back(long conversation, string? done, string? error) =>
        TypedResults.LocalRedirect($"/desk?conversation={conversation}" + (done is null ? "" : $"&done={done}") + (error is null ? "" : "&error=" + Uri.EscapeDataString(error)));

    /// <summary>Why a message was not queued, in the agent's language where the desk knows the reason.</summary>
    private static string Problem(Texts t, MessageResult result) => result switch
    {
        { Outcome: MessageOutcome.Invalid, Errors: { } errors } when errors.ContainsKey("body") && errors.Count == 1 => t.NeedBodyOrTemplate,
        { Outcome: MessageOutcome.Ended } => t.AlreadyEnded,
        _ => (result.Detail ?? string.Join(" ", result.Errors?.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}") ?? [])) is { Length: > 0 } text ? text : result.Outcome.ToString(),
    };

    private static string? Flash(Texts t, string? done) => done switch
    {
        "sent" => t.Sent,
        "saved" => t.Saved,
        "ended" => t.Ended,
        "merged" => t.Merged,
        "undone" => t.Undone,
        _ => null,
    };

    /// <summary>Desk pages load only what the service itself serves, and are never framed.</summary>
    private static ValueTask<object?> ContentSecurityPolicy(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        return next(context);
    }

    private static readonly Dictionary<string, (string Type, byte[] Content)> Assets = typeof(DeskEndpoints).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("desk/", StringComparison.Ordinal))
        .ToDictionary(n => n["desk/".Length..], n =>
        {
            using var stream = typeof(DeskEndpoints).Assembly.GetManifestResourceStream(n)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var type = Path.GetExtension(n) switch { ".css" => "text/css; charset=utf-8", ".svg" => "image/svg+xml", _ => "text/javascript; charset=utf-8" };
            return (type, copy.ToArray());
        });

    private static readonly string Version = typeof(DeskEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1";

    /// <summary>The desk's stylesheet, script and icon, embedded in the service (no CDN).</summary>
    private static IResult Asset(string file, HttpContext http)
    {
        if (!Assets.TryGetValue(file, out var asset)) return TypedResults.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Bytes(asset.Content, asset.Type, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{Version.GetHashCode():x}\""));
    }
}
