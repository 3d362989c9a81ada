using System.Text.Json;
using System.Text.Json.Serialization;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Contacts;

public static class ContactAttributeEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record DefineAttributeRequest(string? Key, string? Type, IReadOnlyList<string>? Values = null, bool Required = false, string? Label = null);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record UpdateAttributeRequest(IReadOnlyList<string>? Values = null, bool? Required = null, string? Label = null);

    public sealed record AttributeValues(long ContactId, IReadOnlyDictionary<string, object> Attributes);

    public static ApiGroups MapContactAttributes(this ApiGroups api)
    {
        var schema = api.Under("/contact-attributes", g => g.WithTags("Contact attributes").ProducesProblem(404).ProducesValidationProblem());
        schema.Read.MapGet("/", List).WithName("ListContactAttributes").WithSummary("The attribute schema: each key, its type, a one-of's values, whether it is required.");
        schema.Admin.MapPost("/", Define).WithName("DefineContactAttribute").ProducesProblem(409)
            .WithRequestExample("""{"key": "tier", "type": "one-of", "values": ["gold", "silver"], "required": false, "label": "Customer tier"}""");
        schema.Admin.MapPatch("/{key}", Update).WithName("UpdateContactAttribute")
            .WithSummary("Changes a one-of's values, required, or the label (the type cannot change).");

        var values = api.Under("/contacts/{id:long}/attributes", g => g.WithTags("Contact attributes").ProducesProblem(404).ProducesValidationProblem());
        values.Read.MapGet("/", Get).WithName("GetContactAttributes");
        values.Write.MapPut("/", Set).WithName("SetContactAttributes")
            .WithSummary("Sets the attributes named (null removes one); each value is checked against the schema and named when wrong.")
            .WithRequestExample("""{"tier": "gold", "lifetime_value": 1250.5, "newsletter": true, "renewal": "2027-03-01"}""");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<AttributeDefinition>>> List(ContactAttributeStore store, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<AttributeDefinition>>((await store.SchemaAsync(ct)).Values.OrderBy(d => d.Key, StringComparer.Ordinal).ToList());

    private static async Task<Results<Created<AttributeDefinition>, ProblemHttpResult, ValidationProblem>> Define(DefineAttributeRequest request, ContactAttributeStore store,
        CancellationToken ct)
    {
        var errors = AttributeRules.CheckDefinition(request.Key, request.Type, request.Values, request.Label);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (!await store.DefineAsync(request.Key!, request.Type!, request.Values, request.Required, request.Label?.Trim(), ct))
            return TypedResults.Problem($"Attribute '{request.Key}' is defined already; PATCH it.", statusCode: 409, title: "Attribute exists");
        return TypedResults.Created($"/api/v1/contact-attributes/{request.Key}", (await store.SchemaAsync(ct))[request.Key!]);
    }

    private static async Task<Results<Ok<AttributeDefinition>, ProblemHttpResult, ValidationProblem>> Update(string key, UpdateAttributeRequest request,
        ContactAttributeStore store, CancellationToken ct)
    {
        if (!(await store.SchemaAsync(ct)).TryGetValue(key, out var current)) return Problems.NotFound($"Attribute '{key}' is not defined.");
        var errors = AttributeRules.CheckDefinition(key, current.Type, request.Values ?? current.Values, request.Label);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var changed = current with { Values = request.Values ?? current.Values, Required = request.Required ?? current.Required, Label = request.Label?.Trim() ?? current.Label };
        await store.UpdateAsync(changed, ct);
        return TypedResults.Ok((await store.SchemaAsync(ct))[key]);
    }

    private static async Task<Results<Ok<AttributeValues>, ProblemHttpResult>> Get(long id, ContactStore contacts, ContactAttributeStore store, CancellationToken ct) =>
        await contacts.GetAsync(id, ct) is { } contact
            ? TypedResults.Ok(new AttributeValues(contact.Id, await store.ValuesAsync(contact.Id, ct)))
            : Problems.NotFound($"Contact {id} does not exist.");

    private static async Task<Results<Ok<AttributeValues>, ProblemHttpResult, ValidationProblem>> Set(long id, Dictionary<string, JsonElement> request,
        ContactStore contacts, ContactAttributeStore store, CancellationToken ct)
    {
        var (values, errors) = AttributeRules.Check(request, await store.SchemaAsync(ct), "attributes");
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await contacts.GetAsync(id, ct) is not { } contact) return Problems.NotFound($"Contact {id} does not exist.");
        await store.SetAsync(contact.Id, values, ct);
        return TypedResults.Ok(new AttributeValues(contact.Id, await store.ValuesAsync(contact.Id, ct)));
    }
}
