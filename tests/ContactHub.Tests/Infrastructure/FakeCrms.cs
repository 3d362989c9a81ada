using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Infrastructure;

/// <summary>What both fakes share: a Kestrel app, issued tokens that a test can expire, scripted failures and a down switch.</summary>
public abstract class FakeCrm : IAsyncDisposable
{
    protected readonly WebApplication App;
    private readonly ConcurrentQueue<(int Status, string? Body, int? RetryAfter)> _script = new();
    protected readonly ConcurrentDictionary<string, bool> Tokens = new();

    public sealed record Contact(string Id, string? Phone, string? Mobile, string? Email);

    public ConcurrentBag<Contact> Contacts { get; } = [];

    /// <summary>The activities as the CRM stores them, by ContactHub's interaction id (and table, for Dataverse).</summary>
    public ConcurrentDictionary<string, JsonObject> Activities { get; } = new();

    /// <summary>PATCH requests that changed each activity.</summary>
    public ConcurrentDictionary<string, int> Writes { get; } = new();

    /// <summary>Every activity written, in the order the writes arrived.</summary>
    public ConcurrentQueue<string> WriteOrder { get; } = new();

    public int Creates;
    public int TokensIssued;
    public int Requests;

    /// <summary>While true every API call answers 503 (tokens still work).</summary>
    public volatile bool Down;

    public string BaseUrl { get; }

    protected FakeCrm()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        App = builder.Build();
        Map(App);
        App.StartAsync().GetAwaiter().GetResult();
        BaseUrl = App.Urls.Single();
    }

    protected abstract void Map(WebApplication app);

    protected abstract IResult Error(int status, string message, string code);

    public void Enqueue(int status, int? retryAfter = null) => _script.Enqueue((status, null, retryAfter));

    /// <summary>Every token issued so far stops working (the next call gets 401 and must fetch a new one).</summary>
    public void ExpireTokens() { foreach (var key in Tokens.Keys) Tokens[key] = false; }

    protected string Issue()
    {
        Interlocked.Increment(ref TokensIssued);
        var token = "tok-" + Guid.NewGuid().ToString("N");
        Tokens[token] = true;
        return token;
    }

    /// <summary>Null when the call may go on; else the answer (401, a scripted failure, down).</summary>
    protected IResult? Gate(HttpRequest request)
    {
        Interlocked.Increment(ref Requests);
        var auth = request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !Tokens.TryGetValue(auth[7..], out var valid) || !valid)
            return Error(401, "Session expired or invalid", "INVALID_SESSION_ID");
        if (Down) return Error(503, "Service Unavailable", "SERVER_UNAVAILABLE");
        if (_script.TryDequeue(out var next))
        {
            if (next.RetryAfter is { } seconds) request.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
            return Error(next.Status, next.Status == 429 ? "Number of requests exceeded the limit" : "Scripted failure", next.Status == 412 ? "0x80060882" : "SCRIPTED");
        }
        return null;
    }

    protected static IEnumerable<string> Quoted(string text) => Regex.Matches(text, "'((?:[^'\\\\]|\\\\.|'')*)'").Select(m => m.Groups[1].Value.Replace("''", "'").Replace("\\'", "'"));

    protected IEnumerable<Contact> Matching(string text)
    {
        var values = Quoted(text).ToHashSet();
        return Contacts.Where(c => new[] { c.Phone, c.Mobile, c.Email }.Any(v => v is not null && values.Contains(v)));
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Entra ID's token endpoint and the Dataverse Web API v9.2 as Microsoft documents them: contacts queried with $filter,
/// activities upserted by alternate key (PATCH set(key='value') → 204 with OData-EntityId), If-Match: * for update-only,
/// DELETE by key, errors as {"error": {"code", "message"}}, 429 with Retry-After.
/// </summary>
public sealed class FakeDataverse : FakeCrm
{
    public const string Tenant = "11111111-2222-3333-4444-555555555555";
    public const string ClientId = "dv-client";
    public const string ClientSecret = "dv-secret";

    protected override IResult Error(int status, string message, string code) =>
        Results.Json(new { error = new { code, message } }, statusCode: status);

    protected override void Map(WebApplication app)
    {
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (tenant != Tenant || form["client_id"] != ClientId || form["client_secret"] != ClientSecret || form["grant_type"] != "client_credentials"
                || !form["scope"].ToString().EndsWith("/.default", StringComparison.Ordinal))
                return Results.Json(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." }, statusCode: 401);
            return Results.Json(new { token_type = "Bearer", expires_in = 3599, ext_expires_in = 3599, access_token = Issue() });
        });
        app.MapGet("/api/data/v9.2/contacts", (HttpRequest request) =>
        {
            if (Gate(request) is { } refused) return refused;
            var top = int.TryParse(request.Query["$top"], out var t) ? t : 5000;
            return Results.Json(new Dictionary<string, object>
            {
                ["@odata.context"] = $"{BaseUrl}/api/data/v9.2/$metadata#contacts(contactid)",
                ["value"] = Matching(request.Query["$filter"].ToString()).Take(top).Select(c => new Dictionary<string, string> { ["contactid"] = c.Id }).ToList(),
            });
        });
        app.MapMethods("/api/data/v9.2/{target}", ["PATCH", "DELETE"], async (string target, HttpRequest request) =>
        {
            if (Gate(request) is { } refused) return refused;
            var m = Regex.Match(target, @"^(?<set>\w+)\((?<key>\w+)='(?<value>[^']*)'\)$");
            if (!m.Success || m.Groups["key"].Value != "contacthub_interactionid")
                return Error(400, $"The alternate key on '{target}' is not defined", "0x80060888");
            var id = $"{m.Groups["set"].Value}:{m.Groups["value"].Value}";
            if (request.Method == "DELETE")
                return Activities.TryRemove(id, out _) ? Results.NoContent() : Error(404, "Does Not Exist", "0x80040217");
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var exists = Activities.TryGetValue(id, out var current);
            if (!exists && request.Headers.IfMatch == "*") return Error(404, "Does Not Exist", "0x80040217");
            if (body["regardingobjectid_contact@odata.bind"]?.GetValue<string>() is { } bind && !Contacts.Any(c => bind == $"/contacts({c.Id})"))
                return Error(400, $"contact With Id = {bind} Does Not Exist", "0x80040217");
            if (!exists) Interlocked.Increment(ref Creates);
            var record = current ?? new JsonObject { ["activityid"] = Guid.NewGuid().ToString() };
            foreach (var (key, value) in body) record[key] = value?.DeepClone();
            Activities[id] = record;
            Writes.AddOrUpdate(id, 1, (_, n) => n + 1);
            WriteOrder.Enqueue(id);
            request.HttpContext.Response.Headers["OData-EntityId"] = $"{BaseUrl}/api/data/v9.2/{m.Groups["set"].Value}({record["activityid"]})";
            return Results.NoContent();
        });
    }
}

/// <summary>
/// Salesforce's client-credentials token endpoint and REST API as Salesforce documents them: SOQL query, Task upsert by an
/// external-ID field (201 created / 200 updated, {id, success, errors, created}), TaskSubtype refused on update, DELETE
/// by external id, errors as [{"message", "errorCode"}], 401 INVALID_SESSION_ID, 403 REQUEST_LIMIT_EXCEEDED.
/// </summary>
public sealed class FakeSalesforce : FakeCrm
{
    public const string ClientId = "3MVG9-consumer-key";
    public const string ClientSecret = "sf-consumer-secret";

    protected override IResult Error(int status, string message, string code) =>
        Results.Json(new[] { new { message, errorCode = status == 429 ? "REQUEST_LIMIT_EXCEEDED" : code, fields = Array.Empty<string>() } }, statusCode: status == 429 ? 403 : status);

    protected override void Map(WebApplication app)
    {
        app.MapPost("/services/oauth2/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret || form["grant_type"] != "client_credentials")
                return Results.Json(new { error = "invalid_client", error_description = "invalid client credentials" }, statusCode: 400);
            return Results.Json(new { access_token = Issue(), instance_url = BaseUrl, id = $"{BaseUrl}/id/00D/005", token_type = "Bearer", issued_at = "1764130000000", signature = "x" });
        });
        app.MapGet("/services/data/v60.0/query", (HttpRequest request) =>
        {
            if (Gate(request) is { } refused) return refused;
            var soql = request.Query["q"].ToString();
            if (!soql.StartsWith("SELECT Id FROM Contact WHERE", StringComparison.Ordinal)) return Error(400, "unexpected query", "MALFORMED_QUERY");
            var found = Matching(soql).Take(soql.EndsWith("LIMIT 2", StringComparison.Ordinal) ? 2 : 2000)
                .Select(c => new Dictionary<string, object> { ["attributes"] = new { type = "Contact", url = $"/services/data/v60.0/sobjects/Contact/{c.Id}" }, ["Id"] = c.Id }).ToList();
            return Results.Json(new { totalSize = found.Count, done = true, records = found });
        });
        app.MapMethods("/services/data/v60.0/sobjects/Task/{field}/{value}", ["PATCH", "DELETE"], async (string field, string value, HttpRequest request) =>
        {
            if (Gate(request) is { } refused) return refused;
            if (field != "ContactHub_Interaction_Id__c") return Error(404, $"Provided external ID field does not exist or is not accessible: {field}", "NOT_FOUND");
            if (request.Method == "DELETE")
                return Activities.TryRemove(value, out _) ? Results.NoContent() : Error(404, "The requested resource does not exist", "NOT_FOUND");
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var exists = Activities.TryGetValue(value, out var current);
            if (exists && body.ContainsKey("TaskSubtype")) return Error(400, "Unable to create/update fields: TaskSubtype. Please check the security settings of this field.", "INVALID_FIELD_FOR_INSERT_UPDATE");
            if (body["WhoId"]?.GetValue<string>() is { } who && !Contacts.Any(c => c.Id == who)) return Error(400, "Contact ID: id value of incorrect type", "FIELD_INTEGRITY_EXCEPTION");
            if (!exists) Interlocked.Increment(ref Creates);
            var record = current ?? new JsonObject { ["Id"] = "00T" + Guid.NewGuid().ToString("N")[..15] };
            foreach (var (key, v) in body) record[key] = v?.DeepClone();
            Activities[value] = record;
            Writes.AddOrUpdate(value, 1, (_, n) => n + 1);
            WriteOrder.Enqueue(value);
            return Results.Json(new { id = record["Id"]!.GetValue<string>(), success = true, errors = Array.Empty<object>(), created = !exists }, statusCode: exists ? 200 : 201);
        });
    }
}
