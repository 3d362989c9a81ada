using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ContactHub.Security;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Security;

/// <summary>Every /api route of the OpenAPI document × every kind of caller → the expected 401, 403 or a pass.</summary>
public sealed class ScopeMatrixTests(JwtApp app) : IClassFixture<JwtApp>
{
    private async Task<List<(HttpMethod Method, string Path, string Scope)>> Operations()
    {
        var document = await app.Anonymous().GetOk("/openapi/v1.json");
        var operations = new List<(HttpMethod, string, string)>();
        foreach (var (path, item) in document["paths"]!.AsObject())
            if (path.StartsWith("/api/", StringComparison.Ordinal))
                foreach (var (method, operation) in item!.AsObject())
                    operations.Add((new HttpMethod(method.ToUpperInvariant()), System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", "987654"),
                        operation!["security"]![0]!["ApiKey"]![0]!.GetValue<string>()));
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations found");
        // Destructive routes last, so that they cannot disturb the others.
        return operations.OrderBy(o => o.Item1 == HttpMethod.Delete).ToList();
    }

    private static async Task<HttpStatusCode> Call(HttpClient client, HttpMethod method, string path, Action<HttpRequestMessage>? authenticate = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Get ? null : JsonContent.Create(new { }) };
        authenticate?.Invoke(request);
        // Headers only: a stream (the event stream) answers its status at once and is closed when the response is disposed.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    private static Action<HttpRequestMessage> Bearer(string token) => r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

    [Fact]
    public async Task Every_route_answers_each_kind_of_caller_as_its_scope_says()
    {
        var (_, revoked) = await app.Get<ApiKeyStore>().CreateAsync("revoked", Scopes.All);
        var revokedId = (await app.Get<ApiKeyStore>().ListAsync()).Single(k => k.Name == "revoked").Id;
        await app.Get<ApiKeyStore>().RevokeAsync(revokedId);
        var anonymous = app.Anonymous();
        var expired = app.Issuer.Token("ana", ["ContactHub.Admin", "ContactHub.Write", "ContactHub.Read"], lifetime: TimeSpan.FromMinutes(-5));
        var forged = app.Issuer.Token("ana", ["ContactHub.Admin"], foreignKey: true);
        var failures = new List<string>();

        foreach (var (method, path, scope) in await Operations())
        {
            void Expect(string who, HttpStatusCode actual, Func<HttpStatusCode, bool> ok)
            {
                if (!ok(actual)) failures.Add($"{method} {path} (needs {scope}) as {who}: {(int)actual}");
            }

            Expect("nobody", await Call(anonymous, method, path), s => s == HttpStatusCode.Unauthorized);
            Expect("a revoked key", await Call(anonymous, method, path, r => r.Headers.Add("X-Api-Key", revoked)), s => s == HttpStatusCode.Unauthorized);
            Expect("an expired token", await Call(anonymous, method, path, Bearer(expired)), s => s == HttpStatusCode.Unauthorized);
            Expect("a token signed by another key", await Call(anonymous, method, path, Bearer(forged)), s => s == HttpStatusCode.Unauthorized);
            foreach (var held in Scopes.All)
            {
                bool Allowed(HttpStatusCode s) => held == scope ? s is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)s < 500 : s == HttpStatusCode.Forbidden;
                Expect($"a {held} key", await Call(app.Client(held), method, path), Allowed);
                Expect($"an agent with ContactHub.{held}", await Call(anonymous, method, path, Bearer(app.Issuer.Token("ana", [$"ContactHub.{char.ToUpperInvariant(held[0])}{held[1..]}"]))), Allowed);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_token_lacking_the_scope_is_told_which_it_needs_and_which_it_has()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/interactions")
        {
            Content = JsonContent.Create(new { channel = "call", direction = "outbound", customer = new { phone = Customers.Phone() } }),
        };
        Bearer(app.Issuer.Token("ana", ["ContactHub.Read"]))(request);
        var refused = await (await app.Anonymous().SendAsync(request)).Expect(403);
        Assert.Equal("This route needs the write scope; this token has read.", refused["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_agents_identity_is_the_default_agent_of_what_they_record()
    {
        var token = app.Issuer.Token("maria@airline.example", ["ContactHub.Write", "ContactHub.Read"]);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/interactions")
        {
            Content = JsonContent.Create(new { channel = "call", direction = "outbound", customer = new { phone = Customers.Phone() } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var recorded = await (await app.Anonymous().SendAsync(request)).Expect(201);

        var detail = await app.Client().GetOk($"/api/v1/conversations/{recorded["conversationId"]}");
        Assert.Equal("maria@airline.example", detail["interactions"]![0]!["agent"]!.GetValue<string>());
    }
}
