using System.Security.Claims;
using System.Text.Json.Serialization;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Contacts;

public static class ContactEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record UpdateContactRequest(string? Name = null, string? ExternalId = null);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record AddIdentifierRequest(string? Kind, string? Value, string? Provider = null);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record MergeRequest(long? SourceContactId);

    public static ApiGroups MapContacts(this ApiGroups api)
    {
        var group = api.Under("/contacts", g => g.WithTags("Contacts").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/", Search).WithName("SearchContacts")
            .WithSummary("Contacts whose name or any identifier starts with q (or carrying a tag, or an attribute's value), each with how to reach them: two phones and two email addresses at most.");
        group.Read.MapGet("/duplicates", Duplicates).WithName("ListDuplicateContacts")
            .WithSummary("Contacts that share identifiers and may be the same person (never merged automatically).");
        group.Read.MapGet("/{id:long}", Get).WithName("GetContact")
            .WithSummary("A contact with its identifiers; a merged contact's id returns the surviving contact.");
        group.Write.MapPatch("/{id:long}", Update).WithName("UpdateContact")
            .WithSummary("Changes the name or external id.");
        group.Write.MapPost("/{id:long}/identifiers", AddIdentifier).WithName("AddContactIdentifier")
            .WithSummary("Adds a phone, email, external id or handle; 409 when another contact owns it.")
            .WithRequestExample("""{"kind": "email", "value": "ana.lima@example.com"}""");
        group.Write.MapDelete("/{id:long}/identifiers/{identifierId:long}", RemoveIdentifier).WithName("RemoveContactIdentifier")
            .WithSummary("Removes an identifier from the contact.");
        group.Admin.MapGet("/{id:long}/export", Export).WithName("ExportContact")
            .WithSummary("GDPR export: everything held on the contact (identifiers, conversations, interactions with bodies, notes, follow-ups, consents, campaign sends, merges, audit entries).");
        group.Admin.MapDelete("/{id:long}", Erase).WithName("EraseContact")
            .WithSummary("GDPR erasure: removes the name, identifiers, bodies, subjects, metadata and notes; anonymous rows stay so that report totals do not change.");
        group.Write.MapPost("/{id:long}/merge", Merge).WithName("MergeContacts")
            .WithSummary("Moves everything of sourceContactId into this contact; journalled and undoable.")
            .WithRequestExample("""{"sourceContactId": 57}""");

        var merges = api.Under("/merges", g => g.WithTags("Contacts").ProducesProblem(404));
        merges.Write.MapPost("/{id:long}/undo", Undo).WithName("UndoMerge")
            .WithSummary("Puts back exactly what a merge moved.");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<ContactSummary>>, ValidationProblem>> Search(
        ContactStore store, TagStore tags, ContactAttributeStore attributes, IdentifierNormalizer normalizer, CancellationToken ct, string? q = null, string? tag = null,
        string? attribute = null, string? value = null, int? limit = 20)
    {
        if (attribute is not null || value is not null)
        {
            // Contacts whose attribute has a value (tier=gold): checked against the schema, then an index probe.
            if (attribute is null || !(await attributes.SchemaAsync(ct)).TryGetValue(attribute, out var definition))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["attribute"] = ["A defined attribute (GET /api/v1/contact-attributes), with value=."] });
            var (canonical, problem) = definition.Canonical(value ?? "");
            if (problem is not null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["value"] = [problem] });
            if (q is not null || tag is not null)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["attribute"] = ["Search by an attribute alone (not with q or tag)."] });
            if (limit is < 1 or > 100) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 100."] });
            return TypedResults.Ok(await store.WithReachAsync(await attributes.ContactsWithAsync(attribute, canonical!, limit ?? 20, ct), ct));
        }
        var normalTag = tag is null ? null : TagStore.Normalize(tag);
        if (tag is not null && normalTag is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["tag"] = ["A tag (letters, digits, '-', '_', ':')."] });
        if ((normalTag is null && string.IsNullOrWhiteSpace(q)) || q?.Length > 200)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["Give 1 to 200 characters (or a tag)."] });
        if (limit is < 1 or > 100) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 100."] });
        if (string.IsNullOrWhiteSpace(q)) return TypedResults.Ok(await store.WithReachAsync(await tags.ContactsTaggedAsync(normalTag!, limit ?? 20, ct), ct));
        var found = await store.SearchAsync(q, normalizer, normalTag is null ? limit ?? 20 : 100, ct);
        if (normalTag is null) return TypedResults.Ok(await store.WithReachAsync(found, ct));
        // Both: the name or identifier search, kept to the contacts carrying the tag.
        var tagged = await tags.WithTagAsync(normalTag, found.Select(c => c.Id).ToList(), ct);
        return TypedResults.Ok(await store.WithReachAsync(found.Where(c => tagged.Contains(c.Id)).Take(limit ?? 20).ToList(), ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<DuplicateCandidate>>, ValidationProblem>> Duplicates(ContactStore store, CancellationToken ct, int? limit = 100)
    {
        if (limit is < 1 or > 500) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 500."] });
        return TypedResults.Ok(await store.DuplicatesAsync(limit ?? 100, ct));
    }

    private static async Task<Results<Ok<Contact>, ProblemHttpResult>> Get(long id, ContactStore store, ContactAttributeStore attributes, AuditLog audit, HttpContext http,
        CancellationToken ct)
    {
        if (await store.GetWithValuesAsync(id, ct) is not var (contact, values)) return Problems.NotFound($"Contact {id} does not exist.");
        audit.Write(http, "contact.read", "contact", contact.Id, contact.Id);
        return TypedResults.Ok(contact with { Attributes = await attributes.TypedAsync(values, ct) });
    }

    private static async Task<Results<Ok<Contact>, ProblemHttpResult, ValidationProblem>> Update(long id, UpdateContactRequest request, ContactStore store, CancellationToken ct)
    {
        if (request.Name?.Length > 200 || request.ExternalId?.Length > 200)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [request.Name?.Length > 200 ? "name" : "externalId"] = ["At most 200 characters."] });
        if (!await store.UpdateAsync(id, request.Name, string.IsNullOrWhiteSpace(request.ExternalId) ? null : request.ExternalId.Trim(), ct))
            return Problems.NotFound($"Contact {id} does not exist (or was merged or erased).");
        return TypedResults.Ok((await store.GetAsync(id, ct))!);
    }

    private static async Task<Results<Created<Contact>, ProblemHttpResult, ValidationProblem>> AddIdentifier(
        long id, AddIdentifierRequest request, ContactStore store, IdentifierNormalizer normalizer, CancellationToken ct)
    {
        var kind = request.Kind?.Trim().ToLowerInvariant();
        if (kind is null || !IdentifierKind.All.Contains(kind))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [$"One of {string.Join(", ", IdentifierKind.All)}."] });
        if (normalizer.Normalize(kind, request.Value, request.Provider) is not { } identifier)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [kind == IdentifierKind.Handle && string.IsNullOrWhiteSpace(request.Provider) ? "provider" : "value"] = [normalizer.Refusal(kind, kind == IdentifierKind.Phone ? "phone number" : kind)] });
        if (await store.GetAsync(id, ct) is not { RedirectedFrom: null }) return Problems.NotFound($"Contact {id} does not exist (or was merged or erased).");
        var (added, owner) = await store.AddIdentifierAsync(id, identifier, ct);
        if (added is null && owner != id)
            return TypedResults.Problem($"Contact {owner} already has this {kind}; merge the two contacts instead.", statusCode: 409, title: "Identifier in use");
        return TypedResults.Created($"/api/v1/contacts/{id}", (await store.GetAsync(id, ct))!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveIdentifier(long id, long identifierId, ContactStore store, CancellationToken ct) =>
        await store.RemoveIdentifierAsync(id, identifierId, ct) ? TypedResults.NoContent() : Problems.NotFound($"Contact {id} has no identifier {identifierId}.");

    private static async Task<Results<Ok<MergeResult>, ProblemHttpResult, ValidationProblem>> Merge(
        long id, MergeRequest request, MergeStore merges, ClaimsPrincipal user, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (request.SourceContactId is not > 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sourceContactId"] = ["The id of the contact to merge into this one is required."] });
        var (outcome, problem, result) = await merges.MergeAsync(id, request.SourceContactId.Value, user.Identity?.Name, ct);
        return outcome switch
        {
            MergeOutcome.Merged => Audited(TypedResults.Ok(result!), () =>
            {
                audit.Write(http, "contact.merge", "merge", result!.MergeId, id, details: $"source {result.SourceContactId}");
                audit.Write(http, "contact.merge", "merge", result.MergeId, result.SourceContactId, details: $"into {id}");
            }),
            MergeOutcome.NotFound => Problems.NotFound(problem!),
            _ => TypedResults.Problem(problem, statusCode: 409, title: "Cannot merge"),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Undo(long id, MergeStore merges, ClaimsPrincipal user, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        var (outcome, problem) = await merges.UndoAsync(id, user.Identity?.Name, ct);
        return outcome switch
        {
            MergeOutcome.Merged => Audited(TypedResults.NoContent(), () => audit.Write(http, "merge.undo", "merge", id)),
            MergeOutcome.NotFound => Problems.NotFound(problem!),
            _ => TypedResults.Problem(problem, statusCode: 409, title: "Cannot undo"),
        };
    }

    private static async Task<Results<Ok<Dictionary<string, object>>, ProblemHttpResult>> Export(long id, ContactStore store, ContactPrivacy privacy, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        var contactId = (await store.GetAsync(id, ct))?.Id ?? (await privacy.ExistsAsync(id, ct) ? id : (long?)null);
        if (contactId is null) return Problems.NotFound($"Contact {id} does not exist.");
        audit.Write(http, "contact.export", "contact", contactId, contactId);
        await audit.FlushAsync(ct); // the export lists this very entry too
        return TypedResults.Ok(await privacy.ExportAsync(contactId.Value, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Erase(long id, ContactPrivacy privacy, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (!await privacy.EraseAsync(id, ct)) return Problems.NotFound($"Contact {id} does not exist, was merged into another, or is already erased.");
        audit.Write(http, "contact.erase", "contact", id, id);
        return TypedResults.NoContent();
    }


    private static T Audited<T>(T result, Action write)
    {
        write();
        return result;
    }
}
