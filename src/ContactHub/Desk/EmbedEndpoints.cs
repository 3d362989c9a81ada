using System.ComponentModel;
using System.Text.Json.Serialization;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Desk.Components;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ContactHub.Desk;

public static class EmbedEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record EmbedTokenRequest(string? Phone = null, string? Email = null, string? ExternalId = null,
        [property: Description("Shorter than Embed:TokenLifetime if you like")] int? TtlSeconds = null);

    public sealed record EmbedToken(string Token, string Url, DateTimeOffset ExpiresAt);

    public static ApiGroups MapEmbedTokens(this ApiGroups api)
    {
        api.Read.MapPost("/embed-tokens", Issue).WithTags("Embed").WithName("CreateEmbedToken")
            .ProducesValidationProblem()
            .WithSummary("For a CRM's server: a short-lived, read-only token for /embed/contact bound to one phone, email or CRM id.")
            .WithRequestExample("""{"phone": "+33612345678"}""");
        return api;
    }

    public static void MapEmbed(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/embed/contact", Page).ExcludeFromDescription().AllowAnonymous();

    private static Results<Ok<EmbedToken>, ValidationProblem> Issue(EmbedTokenRequest request, IdentifierNormalizer normalizer, EmbedTokens tokens, AuditLog audit,
        HttpContext http)
    {
        var given = new[] { (IdentifierKind.Phone, request.Phone, "phone"), (IdentifierKind.Email, request.Email, "email"), (IdentifierKind.External, request.ExternalId, "externalId") }
            .Where(g => !string.IsNullOrWhiteSpace(g.Item2)).ToList();
        if (given.Count != 1)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["phone"] = ["Give exactly one of phone, email or externalId."] });
        var (kind, value, field) = given[0];
        if (normalizer.Normalize(kind, value) is not { } identifier)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [normalizer.Refusal(kind, field)] });
        if (request.TtlSeconds is < 1)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ttlSeconds"] = ["At least 1."] });
        var (token, expires) = tokens.Issue(identifier, request.TtlSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : null);
        audit.Write(http, "embed.token", "embed", kind);
        return TypedResults.Ok(new EmbedToken(token, "/embed/contact?token=" + Uri.EscapeDataString(token), expires));
    }

    /// <summary>
    /// The compact timeline for a CRM iframe, framed only by Embed:AllowedOrigins and read-only: the contact a token names with a page of its activities (older ones by link: the page needs no script to work), or,
    /// for a number nobody has yet, a "new caller" page with that number: a call from a stranger is normal, not an error.
    /// </summary>
    private static async Task<IResult> Page(HttpContext http, EmbedTokens tokens, ContactHistory history, IOptions<EmbedOptions> options, CancellationToken ct,
        string? token = null, string? before = null)
    {
        var ancestors = options.Value.AllowedOrigins.Count == 0 ? "'self'" : "'self' " + string.Join(' ', options.Value.AllowedOrigins);
        // The desk's own script shows times in the agent's zone and language; nothing else runs.
        http.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors {ancestors}; base-uri 'none'";
        var texts = Texts.For(http);
        if (tokens.Read(token) is not { } lookup) return new RazorComponentResult<EmbedPage>(new { View = new EmbedView(texts, null) }) { StatusCode = 401 };
        if (await history.LookupAsync(lookup, ct) is not { } pop)
            return new RazorComponentResult<EmbedPage>(new { View = new EmbedView(texts, null, NewCaller: lookup) });
        ActivityCursor.TryDecode(before, out var cursor);
        var page = await history.ActivitiesAsync(pop.Contact.Id, cursor, 20, null, ct);
        return new RazorComponentResult<EmbedPage>(new { View = new EmbedView(texts, pop, page, Token: token) });
    }
}
