using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Security;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Security;

public sealed class AuthenticationTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    /// <summary>Every operation under /api in the OpenAPI document, with the scope it declares.</summary>
    private async Task<List<(HttpMethod Method, string Path, string Scope)>> ApiOperations()
    {
        var document = await app.Anonymous().GetOk("/openapi/v1.json");
        var operations = new List<(HttpMethod, string, string)>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal)) continue;
            foreach (var (method, operation) in item!.AsObject())
            {
                var scope = operation!["security"]?[0]?["ApiKey"]?[0]?.GetValue<string>();
                Assert.True(scope is not null, $"{method.ToUpperInvariant()} {path} declares no scope in the OpenAPI document");
                operations.Add((new HttpMethod(method.ToUpperInvariant()), Concrete(path), scope!));
            }
        }
        Assert.NotEmpty(operations);
        return operations;
    }

    private static string Concrete(string path) => System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", "1");

    [Fact]
    public async Task Every_api_route_answers_401_problem_details_without_a_key()
    {
        foreach (var (method, path, _) in await ApiOperations())
        {
            var response = await app.Anonymous().SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(new { }) });
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Every_api_route_answers_403_to_a_key_lacking_its_scope()
    {
        foreach (var (method, path, scope) in await ApiOperations())
        {
            var others = Scopes.All.Where(s => s != scope).ToArray();
            var response = await app.Client(others).SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(new { }) });
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} (needs {scope}) answered {(int)response.StatusCode} to a key with {string.Join(",", others)}");
            var problem = await response.ReadJsonAsync();
            Assert.Equal(403, (int)problem["status"]!);
            // It says what to ask for: the scope the route needs and those the key has.
            Assert.Equal($"This route needs the {scope} scope; this API key has {string.Join(", ", others)}.", problem["detail"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task An_unknown_or_malformed_key_is_refused_saying_which()
    {
        foreach (var (key, why) in new[] { ("nonsense", "The API key is malformed"), ("chk_000000000000_" + new string('a', 64), "The API key is unknown or revoked.") })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/api-keys");
            request.Headers.Add("X-Api-Key", key);
            var response = await app.Anonymous().SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var detail = (await response.ReadJsonAsync())["detail"]!.GetValue<string>();
            Assert.StartsWith(why, detail);
            Assert.DoesNotContain(key, detail);
        }

        // A key sent as a bearer token, as many APIs take theirs: the answer says where it goes.
        var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/v1/api-keys");
        bearer.Headers.Authorization = new("Bearer", "chk_000000000000_" + new string('a', 64));
        var refused = await app.Anonymous().SendAsync(bearer);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("An API key goes in the X-Api-Key header, not in Authorization.", (await refused.ReadJsonAsync())["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_admin_creates_a_key_that_works_and_stops_working_once_revoked()
    {
        var created = await app.Client(Scopes.Admin).PostOk("/api/v1/api-keys", new { name = "crm", scopes = new[] { "admin" } }, 201);
        var key = created["key"]!.GetValue<string>();
        var id = created["id"]!.GetValue<long>();

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/api-keys");
        request.Headers.Add("X-Api-Key", key);
        var listed = await (await app.Anonymous().SendAsync(request)).Expect(200);
        Assert.DoesNotContain(key, listed.ToJsonString());
        Assert.Contains(listed.AsArray(), k => k!["id"]!.GetValue<long>() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await app.Client(Scopes.Admin).DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode);
        var keys = await app.Get<ApiKeyStore>().ListAsync();
        Assert.NotNull(keys.Single(k => k.Id == id).RevokedAt);

        // At once on the node that revoked it, though it verified the key a moment ago (and keeps verified keys 30 s).
        var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/api-keys");
        again.Headers.Add("X-Api-Key", key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Creating_a_key_with_an_unknown_scope_names_the_field()
    {
        var problem = await app.Client(Scopes.Admin).PostOk("/api/v1/api-keys", new { name = "x", scopes = new[] { "root" } }, 400);
        Assert.NotNull(problem["errors"]!["scopes"]);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_first_start_writes_an_admin_key_readable_only_by_its_owner()
    {
        Assert.True(File.Exists(app.KeyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(app.KeyFile));
        var key = (await File.ReadAllTextAsync(app.KeyFile)).Trim();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/api-keys");
        request.Headers.Add("X-Api-Key", key);
        var keys = (await (await app.Anonymous().SendAsync(request)).Expect(200)).AsArray();
        Assert.Contains(keys, k => k!["name"]!.GetValue<string>() == "initial-admin");
    }
}
