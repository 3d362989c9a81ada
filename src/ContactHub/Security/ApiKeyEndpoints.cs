using System.ComponentModel;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Security;

public static class ApiKeyEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record CreateApiKeyRequest(
        [property: Description("A name that says who uses the key, e.g. crm or twilio-bridge.")] string? Name,
        [property: Description("Any of read, write, admin.")] string[]? Scopes);

    public sealed record CreatedApiKey(long Id, string Name, string[] Scopes, [property: Description("Shown once; store it now.")] string Key);

    public static ApiGroups MapApiKeys(this ApiGroups api)
    {
        var group = api.Admin.MapGroup("/api-keys").WithTags("API keys");
        group.MapGet("/", List).WithName("ListApiKeys").WithSummary("Lists API keys (never their secrets).");
        group.MapPost("/", Create).WithName("CreateApiKey").WithSummary("Creates an API key; the key is returned once.");
        group.MapDelete("/{id:long}", Revoke).WithName("RevokeApiKey").WithSummary("Revokes an API key.");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyInfo>>> List(ApiKeyStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(ct));

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> Create(CreateApiKeyRequest request, ApiKeyStore store, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) errors["name"] = ["A name of 1 to 100 characters is required."];
        var scopes = request.Scopes ?? [];
        if (scopes.Length == 0 || scopes.Except(Security.Scopes.All).Any())
            errors["scopes"] = [$"Give one or more of: {string.Join(", ", Security.Scopes.All)}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var (id, key) = await store.CreateAsync(name!, scopes.Distinct(), ct);
        audit.Write(http, "apikey.create", "api_key", id, details: $"{name} ({string.Join(",", scopes.Distinct())})");
        return TypedResults.Created($"/api/v1/api-keys/{id}", new CreatedApiKey(id, name!, scopes.Distinct().ToArray(), key));
    }

    private static async Task<Results<NoContent, NotFound>> Revoke(long id, ApiKeyStore store, VerifiedKeys verified, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (!await store.RevokeAsync(id, ct)) return TypedResults.NotFound();
        verified.Forget(id);
        audit.Write(http, "apikey.revoke", "api_key", id);
        return TypedResults.NoContent();
    }
}
