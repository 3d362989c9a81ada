using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ContactHub.Channels;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Hosting;
using ContactHub.Outbox;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ContactHub.Campaigns;

public static class CampaignEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record CampaignRequest(string? Name, string? Trigger, TriggerParams? Parameters = null, string? Action = "send", string? Channel = null,
        string? Template = null, string? Body = null, string? AssignTo = null, DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null,
        string? QuietStart = null, string? QuietEnd = null, long? CapCount = null, long? CapDays = null, bool? Paused = null, string? ContentTemplate = null, string? BusinessHours = null);

    /// <param name="ActivitySince">The earliest activity the campaign looks at: what happened before it is never acted on.</param>
    public sealed record Preview(IReadOnlyList<Decision> Targeted, IReadOnlyList<Decision> Excluded, DateTimeOffset ActivitySince);

    public static ApiGroups MapCampaigns(this ApiGroups api)
    {
        var group = api.Under("/campaigns", g => g.WithTags("Campaigns").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/", List).WithName("ListCampaigns");
        group.Read.MapGet("/{id:long}", Get).WithName("GetCampaign");
        group.Write.MapPost("/", Create).WithName("CreateCampaign")
            .WithSummary("Creates a follow-up campaign: a trigger, an action (send or follow-up task), quiet hours and a frequency cap.")
            .WithRequestExample("""
                {"name": "Call back missed callers", "trigger": "missed-call-not-returned", "parameters": {"minutes": 30},
                 "action": "send", "channel": "sms", "body": "Sorry we missed your call - reply here or call us back, we are here until 20:00.",
                 "quietStart": "21:00", "quietEnd": "08:00", "capCount": 1, "capDays": 7}
                """);
        group.Write.MapPut("/{id:long}", Update).WithName("UpdateCampaign")
            .WithSummary("Replaces a campaign's whole definition: paused, quiet hours, cap and dates must be given (null for none); \"paused\": true stops it and cancels its queued messages.")
            .Accepts<CampaignRequest>("application/json");
        group.Write.MapPatch("/{id:long}", Patch).WithName("PatchCampaign")
            .WithSummary("Changes only the fields given (null clears one), e.g. {\"paused\": true}; the others keep their values.")
            .Accepts<CampaignRequest>("application/json")
            .WithRequestExample("""{"paused": true}""");
        group.Read.MapPost("/{id:long}/preview", PreviewNow).WithName("PreviewCampaign")
            .WithSummary("Who would be targeted now, and why each excluded contact would not (opted out, capped, quiet hours, no address).");
        group.Read.MapGet("/{id:long}/sends", Sends).WithName("ListCampaignSends");
        group.Read.MapGet("/{id:long}/stats", Stats).WithName("CampaignStats")
            .WithSummary("Triggered, queued, deferred, skipped, sent, delivered, failed, replied within 72 h, opted out after.");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<Campaign>>> List(CampaignStore store, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<Campaign>>((await store.ListAsync(ct)).Select(c => c.ToCampaign()).ToList());

    private static async Task<Results<Ok<Campaign>, ProblemHttpResult>> Get(long id, CampaignStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } c ? TypedResults.Ok(c.ToCampaign()) : NotFound(id);

    private static async Task<Results<Created<Campaign>, ValidationProblem>> Create(CampaignRequest request, CampaignStore store, ContactAttributeStore attributes,
        AuditLog audit, HttpContext http, CancellationToken ct)
    {
        request = await CanonicalAudienceAsync(request, attributes, ct);
        var (input, errors) = Validate(request);
        if (input is null) return TypedResults.ValidationProblem(errors);
        if (await UnmetSetupAsync(input, http, ct) is { } unmet) return unmet;
        var id = await store.CreateAsync(input, ct);
        audit.Write(http, "campaign.create", "campaign", id, details: input.Name);
        return TypedResults.Created($"/api/v1/campaigns/{id}", (await store.GetAsync(id, ct))!.ToCampaign());
    }

    /// <summary>The settings a PUT must name (null for none): leaving one out used to reset it silently (un-pausing a paused campaign).</summary>
    private static readonly string[] Replaced = ["paused", "quietStart", "quietEnd", "capCount", "capDays", "startsAt", "endsAt"];

    private static async Task<Results<Ok<Campaign>, ProblemHttpResult, ValidationProblem>> Update(long id, JsonElement body, CampaignStore store,
        IOptions<JsonOptions> json, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object) return Invalid("$", "A campaign object.");
        if (KnownFields.FirstUnknown(body, typeof(CampaignRequest), json.Value.SerializerOptions) is { } unknown)
            return Invalid(unknown, KnownFields.Unknown(typeof(CampaignRequest), json.Value.SerializerOptions));
        var missing = Replaced.Where(name => !body.TryGetProperty(name, out _)).ToList();
        if (missing.Count > 0)
            return TypedResults.ValidationProblem(missing.ToDictionary(name => name,
                name => new[] { $"PUT replaces the whole campaign: give {name} (null for none), or change only some fields with PATCH." }));
        return await SaveAsync(id, body, store, json.Value.SerializerOptions, audit, http, ct);
    }

    private static async Task<Results<Ok<Campaign>, ProblemHttpResult, ValidationProblem>> Patch(long id, JsonElement body, CampaignStore store,
        IOptions<JsonOptions> json, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object) return Invalid("$", "An object with the fields to change.");
        if (KnownFields.FirstUnknown(body, typeof(CampaignRequest), json.Value.SerializerOptions) is { } unknown)
            return Invalid(unknown, KnownFields.Unknown(typeof(CampaignRequest), json.Value.SerializerOptions));
        if (await store.GetAsync(id, ct) is not { } current) return NotFound(id);
        // The campaign as it is, with each field the request names put over it.
        var merged = JsonSerializer.SerializeToNode(current.ToCampaign(), json.Value.SerializerOptions)!.AsObject();
        foreach (var field in body.EnumerateObject()) merged[field.Name] = JsonNode.Parse(field.Value.GetRawText());
        // What the answer shows and a request does not set (id, times): the request type refuses fields it does not know.
        var settable = KnownFields.Of(typeof(CampaignRequest), json.Value.SerializerOptions).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var shown in merged.Select(field => field.Key).Where(name => !settable.Contains(name)).ToList()) merged.Remove(shown);
        return await SaveAsync(id, JsonSerializer.SerializeToElement(merged), store, json.Value.SerializerOptions, audit, http, ct);
    }

    private static async Task<Results<Ok<Campaign>, ProblemHttpResult, ValidationProblem>> SaveAsync(long id, JsonElement body, CampaignStore store,
        JsonSerializerOptions options, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        CampaignRequest request;
        try { request = body.Deserialize<CampaignRequest>(options)!; }
        catch (JsonException ex) { return Invalid((ex.Path ?? "$").TrimStart('$').TrimStart('.') is { Length: > 0 } field ? field : "$", InstantJsonConverter.Describe(ex, "Not a valid value.")); }
        request = await CanonicalAudienceAsync(request, http.RequestServices.GetRequiredService<ContactAttributeStore>(), ct);
        var (input, errors) = Validate(request);
        if (input is null) return TypedResults.ValidationProblem(errors);
        if (await UnmetSetupAsync(input, http, ct) is { } unmet) return unmet;
        if (!await store.UpdateAsync(id, input, ct)) return NotFound(id);
        audit.Write(http, input.Paused ? "campaign.pause" : "campaign.update", "campaign", id, details: input.Name);
        return TypedResults.Ok((await store.GetAsync(id, ct))!.ToCampaign());
    }

    /// <summary>
    /// What the campaign needs of this installation, checked before it is saved: a campaign that runs sends on a configured
    /// channel (else each trigger it met would be spent as "skipped" until someone read its sends, and those customers never
    /// texted once the channel is configured: a paused one may wait for the settings); an email survey needs the page its links
    /// open; a calendar or a content template (for the campaign's channel) must exist before a campaign names it.
    /// </summary>
    private static async Task<ValidationProblem?> UnmetSetupAsync(CampaignInput input, HttpContext http, CancellationToken ct)
    {
        if (!input.Paused && input.Channel is { } channel && http.RequestServices.GetRequiredService<OutboundChannels>().Find(channel)?.Unavailable is { } unavailable)
            return Invalid("channel", $"{unavailable} Configure it first, or save the campaign paused (\"paused\": true) and unpause it once it is.");
        if (input.Action == "csat" && input.Channel == Channel.Email
            && http.RequestServices.GetRequiredService<IOptions<CsatOptions>>().Value.PublicBaseUrl is null)
            return Invalid("channel", "Email surveys link to ContactHub's survey page: set Csat:PublicBaseUrl first (or survey by sms or whatsapp).");
        if (input.BusinessHours is { } calendar && !(await http.RequestServices.GetRequiredService<ContactHub.BusinessHours.BusinessCalendarStore>().ListAsync(ct)).Any(c => c.Name == calendar))
            return Invalid("businessHours", $"There is no business-hours calendar named '{calendar}' (GET /api/v1/business-hours).");
        if (input.ContentTemplate is not { } name) return null;
        var template = await http.RequestServices.GetRequiredService<MessageTemplateStore>().GetAsync(name, ct);
        if (template is null) return Invalid("contentTemplate", $"There is no message template '{name}'; register it under /api/v1/message-templates first.");
        return template.Channel != input.Channel ? Invalid("contentTemplate", $"'{name}' is a {template.Channel} template; this campaign sends on {input.Channel}.") : null;
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static async Task<Results<Ok<Preview>, ProblemHttpResult>> PreviewNow(long id, CampaignStore store, CampaignEvaluator evaluator, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } campaign) return NotFound(id);
        var (decisions, since) = await evaluator.PreviewAsync(campaign, ct);
        return TypedResults.Ok(new Preview(decisions.Where(d => d.Outcome is "queued" or "created").ToList(),
            decisions.Where(d => d.Outcome is not ("queued" or "created")).ToList(), since));
    }

    private static async Task<Results<Ok<IReadOnlyList<CampaignSend>>, ProblemHttpResult>> Sends(long id, CampaignStore store, CancellationToken ct, int? limit = 500) =>
        await store.GetAsync(id, ct) is null ? NotFound(id) : TypedResults.Ok(await store.SendsAsync(id, Math.Clamp(limit ?? 500, 1, 5000), ct));

    private static async Task<Results<Ok<CampaignStore.Stats>, ProblemHttpResult>> Stats(long id, CampaignStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is null ? NotFound(id) : TypedResults.Ok(await store.StatsAsync(id, ct));

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound($"Campaign {id} does not exist.");

    /// <summary>The audience's attribute values in the schema's canonical form (1250.50 → 1250.5); unknown keys and bad values are left for Validate to name.</summary>
    private static async Task<CampaignRequest> CanonicalAudienceAsync(CampaignRequest r, ContactAttributeStore attributes, CancellationToken ct)
    {
        if (r.Parameters?.Audience?.Attributes is not { Count: > 0 } given) return r;
        var schema = await attributes.SchemaAsync(ct);
        var canonical = given.ToDictionary(a => a.Key, a => schema.TryGetValue(a.Key, out var d) && d.Canonical(a.Value) is
            { Value: { } value } ? value : "\0" + a.Value); // "\0": not a value of the schema
        return r with { Parameters = r.Parameters with { Audience = r.Parameters.Audience with { Attributes = canonical } } };
    }

    private static (CampaignInput? Input, Dictionary<string, string[]> Errors) Validate(CampaignRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > 200) Fail("name", "A name of 1 to 200 characters.");
        if (r.Trigger is null || !Triggers.All.Contains(r.Trigger)) Fail("trigger", $"One of {string.Join(", ", Triggers.All)}.");
        if (r.Action is not ("send" or "follow-up" or "csat")) Fail("action", "send, follow-up or csat (a satisfaction survey after a conversation).");
        if (r.Action == "csat" && r.Trigger is not null && r.Trigger != Triggers.ConversationEnded) Fail("trigger", $"A csat survey follows {Triggers.ConversationEnded}.");
        var p = r.Parameters ?? new TriggerParams();
        if (p.Minutes is < 0 or > 100_000) Fail("parameters.minutes", "Between 0 and 100000.");
        if (r.Trigger == Triggers.InactiveCustomer && p.Days is not > 0) Fail("parameters.days", "Days of inactivity (at least 1).");
        if (p.MinConversations is < 1) Fail("parameters.minConversations", "At least 1.");
        if (p.Audience is { } audience)
        {
            foreach (var (key, value) in audience.Attributes ?? [])
                if (value.StartsWith('\0')) Fail($"parameters.audience.attributes.{key}", "A defined attribute (GET /api/v1/contact-attributes) and a value it takes.");
            foreach (var (field, tags) in new[] { ("tags", audience.Tags), ("notTags", audience.NotTags) })
                if (tags?.Any(t => TagStore.Normalize(t) != t) == true) Fail($"parameters.audience.{field}", "Tags as stored: lower case, '-' for spaces (e.g. do-not-call).");
            if (audience.LastWrapUp is { Length: 0 }) Fail("parameters.audience.lastWrapUp", "At least one wrap-up code, or leave it out.");
        }
        if (r.Action is "send" or "csat")
        {
            var channels = r.Trigger == Triggers.FollowUpOverdue ? new[] { Channel.Email } : Channel.Outbound.ToArray();
            if (r.Channel is null || !channels.Contains(r.Channel)) Fail("channel", $"One of {string.Join(", ", channels)}.");
            var freeText = !string.IsNullOrWhiteSpace(r.Template) || !string.IsNullOrWhiteSpace(r.Body);
            if (!string.IsNullOrWhiteSpace(r.Template) && !string.IsNullOrWhiteSpace(r.Body)) Fail("body", "Give a body or a template, not both.");
            else if (r.Action == "send" && !freeText && r.ContentTemplate is null && r.Trigger != Triggers.FollowUpOverdue)
                Fail("body", "Give a body, a template or a contentTemplate.");
        }
        if (r.ContentTemplate is not null)
        {
            if (!MessageTemplateStore.Name().IsMatch(r.ContentTemplate)) Fail("contentTemplate", "The name of a message template (GET /api/v1/message-templates).");
            else if (r.Channel is not (Channel.WhatsApp or Channel.Sms)) Fail("contentTemplate", "Content templates go with whatsapp or sms.");
        }
        if (r.Body?.Length > 10_000) Fail("body", "At most 10,000 characters.");
        if ((r.QuietStart is null) != (r.QuietEnd is null) || (r.QuietStart is not null && !(QuietHours.TryParse(r.QuietStart, out _) && QuietHours.TryParse(r.QuietEnd, out _))))
            Fail("quietStart", "quietStart and quietEnd together, as HH:mm in the contact's local time.");
        if ((r.CapCount is null) != (r.CapDays is null) || r.CapCount is < 1 || r.CapDays is < 1) Fail("capCount", "capCount and capDays together, both at least 1.");
        if (r.EndsAt <= r.StartsAt) Fail("endsAt", "Must be after startsAt.");
        if (errors.Count > 0) return (null, errors);
        return (new CampaignInput(r.Name!.Trim(), r.Trigger!, p, r.Action!, r.Action is "send" or "csat" ? r.Channel : null, r.Template, r.Body, r.AssignTo?.Trim(),
            r.StartsAt, r.EndsAt, r.QuietStart, r.QuietEnd, r.CapCount, r.CapDays, r.Paused ?? false, r.ContentTemplate, r.BusinessHours?.Trim()), errors);
    }
}
