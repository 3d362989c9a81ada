using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// A local server speaking the Microsoft Graph endpoints ContactHub uses, as Graph's documentation describes
/// them: the identity platform's client-credentials token endpoint, users/{id}/sendMail (a JSON message, or MIME content
/// base64-encoded as text/plain), message delta queries (pages joined by @odata.nextLink, ending in @odata.deltaLink; 410
/// for an expired link), a message by id with $select (internetMessageHeaders only when selected, as Graph returns them),
/// and callRecords getPstnCalls. Errors are ODataError bodies.
/// </summary>
public sealed partial class FakeGraph : IAsyncDisposable
{
    public const string Tenant = "contoso-tenant";
    public const string ClientId = "11111111-2222-3333-4444-555555555555";
    public const string ClientSecret = "client-secret-value";
    private const string Token = "fake-graph-access-token";
    private const int PageSize = 2;

    private readonly WebApplication _app;

    public string BaseUrl { get; }

    /// <summary>Messages in the mailbox folder, in arrival order; a delta token is how many were seen.</summary>
    public List<JsonObject> Mailbox { get; } = [];

    public ConcurrentBag<string> ExpiredDeltaTokens { get; } = [];

    public ConcurrentQueue<int> FailNextDeltaWith { get; } = new();

    public List<JsonObject> PstnCalls { get; } = [];

    public ConcurrentQueue<JsonNode> SentMail { get; } = new();

    /// <summary>Messages sent in MIME format, as Exchange received them.</summary>
    public ConcurrentQueue<MimeKit.MimeMessage> SentMime { get; } = new();

    /// <summary>Files uploaded to drives, by "drive/path", with every version's content (SharePoint keeps versions of a re-uploaded file).</summary>
    public ConcurrentDictionary<string, List<byte[]>> Files { get; } = new();

    /// <summary>The next uploads' failures, in order (e.g. 503, 429).</summary>
    public ConcurrentQueue<int> FailNextUploadWith { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    public int TokenRequests;

    public FakeGraph()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(Handle);
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Urls.Single().Replace("127.0.0.1", "localhost").Replace("[::1]", "localhost");
    }

    private async Task Handle(HttpContext http)
    {
        var path = Uri.UnescapeDataString(http.Request.Path.Value ?? "");
        Requests.Enqueue(http.Request.Method + " " + path + http.Request.QueryString);
        if (path == $"/{Tenant}/oauth2/v2.0/token" && http.Request.Method == "POST")
        {
            var form = await http.Request.ReadFormAsync();
            Interlocked.Increment(ref TokenRequests);
            if (form["grant_type"] != "client_credentials" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            {
                await Json(http, 401, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "AADSTS7000215: Invalid client secret provided." });
                return;
            }
            await Json(http, 200, new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3599, ["access_token"] = Token });
            return;
        }
        if (http.Request.Headers.Authorization != $"Bearer {Token}")
        {
            await Error(http, 401, "InvalidAuthenticationToken", "Access token is empty.");
            return;
        }
        if (SendMail().Match(path) is { Success: true } && http.Request.Method == "POST" && http.Request.ContentType?.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) == true)
        {
            // MIME format: the whole message, base64-encoded, as the request body.
            using var reader = new StreamReader(http.Request.Body);
            byte[] mime;
            try { mime = Convert.FromBase64String(await reader.ReadToEndAsync()); }
            catch (FormatException)
            {
                await Error(http, 400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
                return;
            }
            SentMime.Enqueue(await MimeKit.MimeMessage.LoadAsync(new MemoryStream(mime)));
            http.Response.StatusCode = 202;
            return;
        }
        if (SendMail().Match(path) is { Success: true } && http.Request.Method == "POST")
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            var message = body?["message"] ?? body?["Message"];
            if (message is null)
            {
                await Error(http, 400, "ErrorInvalidRequest", "The message is missing.");
                return;
            }
            SentMail.Enqueue(message);
            http.Response.StatusCode = 202;
            return;
        }
        if (MessageById().Match(path) is { Success: true } byId && http.Request.Method == "GET")
        {
            var found = Mailbox.LastOrDefault(m => m["id"]?.GetValue<string>() == byId.Groups["id"].Value && !m.ContainsKey("@removed"));
            if (found is null)
            {
                await Error(http, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
                return;
            }
            await Json(http, 200, Selected(found, http.Request.Query["$select"]));
            return;
        }
        if (Delta().Match(path) is { Success: true })
        {
            await DeltaPage(http);
            return;
        }
        if (Pstn().Match(path) is { Success: true } pstn)
        {
            var from = DateTimeOffset.Parse(pstn.Groups["from"].Value);
            var to = DateTimeOffset.Parse(pstn.Groups["to"].Value);
            var rows = PstnCalls.Where(r => DateTimeOffset.Parse(r["startDateTime"]!.GetValue<string>()) is var s && s >= from && s < to).ToList();
            var skip = int.TryParse(http.Request.Query["$skip"], out var k) ? k : 0;
            var page = new JsonObject { ["@odata.context"] = $"{BaseUrl}/v1.0/$metadata#Collection(microsoft.graph.callRecords.pstnCallLogRow)", ["value"] = new JsonArray(rows.Skip(skip).Take(PageSize).Select(r => r.DeepClone()).ToArray()) };
            if (skip + PageSize < rows.Count) page["@odata.nextLink"] = $"{BaseUrl}{http.Request.Path}?$skip={skip + PageSize}";
            await Json(http, 200, page);
            return;
        }
        if (Upload().Match(path) is { Success: true } upload && http.Request.Method == "PUT")
        {
            if (FailNextUploadWith.TryDequeue(out var status))
            {
                await Error(http, status, status == 429 ? "TooManyRequests" : "serviceNotAvailable", "Scripted failure");
                return;
            }
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var key = $"{upload.Groups["drive"].Value}/{upload.Groups["path"].Value}";
            var versions = Files.GetOrAdd(key, _ => []);
            lock (versions) versions.Add(buffer.ToArray());
            var name = upload.Groups["path"].Value.Split('/')[^1];
            await Json(http, versions.Count == 1 ? 201 : 200, new JsonObject
            {
                ["id"] = "01" + Math.Abs(key.GetHashCode()).ToString("X8"), ["name"] = name, ["size"] = buffer.Length,
                ["webUrl"] = $"https://contoso.sharepoint.com/sites/ops/Shared%20Documents/{Uri.EscapeDataString(upload.Groups["path"].Value)}",
                ["file"] = new JsonObject { ["mimeType"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
            });
            return;
        }
        await Error(http, 404, "ResourceNotFound", $"Unknown resource {path}");
    }

    private async Task DeltaPage(HttpContext http)
    {
        if (FailNextDeltaWith.TryDequeue(out var failure))
        {
            await Error(http, failure, "ServiceUnavailable", "Try again later.");
            return;
        }
        var query = http.Request.Query;
        var self = $"{BaseUrl}{http.Request.Path}";
        int start, end;
        if (query.TryGetValue("$deltatoken", out var deltaToken))
        {
            if (ExpiredDeltaTokens.Contains(deltaToken.ToString()))
            {
                await Error(http, 410, "SyncStateNotFound", "The sync state generation is not found; the delta token has expired.");
                return;
            }
            start = int.Parse(deltaToken!);
            end = Mailbox.Count; // changes since the token, in one page
        }
        else
        {
            start = query.TryGetValue("$skiptoken", out var skip) ? int.Parse(skip!) : 0;
            end = Math.Min(start + PageSize, Mailbox.Count);
        }
        var page = new JsonObject
        {
            ["@odata.context"] = $"{BaseUrl}/v1.0/$metadata#Collection(message)",
            ["value"] = new JsonArray(Mailbox.Skip(start).Take(end - start).Select(m => Selected(m, query["$select"])).ToArray()),
        };
        if (!query.ContainsKey("$deltatoken") && end < Mailbox.Count) page["@odata.nextLink"] = $"{self}?$skiptoken={end}";
        else page["@odata.deltaLink"] = $"{self}?$deltatoken={end}";
        await Json(http, 200, page);
    }

    /// <summary>
    /// A message as a request with this $select gets it: the properties named (with id), or all but internetMessageHeaders
    /// without one — Graph returns the headers only when they are selected.
    /// </summary>
    private static JsonObject Selected(JsonObject message, string? select)
    {
        var names = (select ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var copy = new JsonObject();
        foreach (var (name, value) in message)
            if (name.StartsWith('@') || name == "id" || (names.Count == 0 ? name != "internetMessageHeaders" : names.Contains(name))) copy[name] = value?.DeepClone();
        return copy;
    }

    /// <summary>A message as Graph returns it (the subset of properties ContactHub selects).</summary>
    public static JsonObject Message(string from, string subject, string html, string? internetMessageId = null) => new()
    {
        ["@odata.etag"] = "W/\"CQAAABYAAAC\"",
        ["id"] = "AAMkAD" + Guid.NewGuid().ToString("N"),
        ["receivedDateTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ["subject"] = subject,
        ["internetMessageId"] = internetMessageId ?? $"<{Guid.NewGuid():N}@eurprd.prod.outlook.com>",
        ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = html },
        ["from"] = new JsonObject { ["emailAddress"] = new JsonObject { ["name"] = "Ana Lima", ["address"] = from } },
        ["toRecipients"] = new JsonArray(new JsonObject { ["emailAddress"] = new JsonObject { ["name"] = "Support", ["address"] = "support@contoso.com" } }),
        ["ccRecipients"] = new JsonArray(),
        ["hasAttachments"] = false,
    };

    public static JsonObject Removed(string id) => new() { ["@odata.type"] = "#microsoft.graph.message", ["id"] = id, ["@removed"] = new JsonObject { ["reason"] = "deleted" } };

    public static JsonObject PstnCall(string caller, string callee, DateTimeOffset start, int seconds, string callType) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["callId"] = $"{Random.Shared.Next()}_{Random.Shared.Next()}@61.221.3.176",
        ["userId"] = Guid.NewGuid().ToString(),
        ["userPrincipalName"] = "richard.malk@contoso.com",
        ["userDisplayName"] = "Richard Malk",
        ["startDateTime"] = start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"),
        ["endDateTime"] = start.AddSeconds(seconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"),
        ["duration"] = seconds,
        ["charge"] = 0.0,
        ["callType"] = callType,
        ["currency"] = "EUR",
        ["calleeNumber"] = callee,
        ["callerNumber"] = caller,
        ["usageCountryCode"] = "FR",
        ["tenantCountryCode"] = "FR",
        ["connectionCharge"] = 0.0,
        ["destinationName"] = "France",
        ["licenseCapability"] = "MCOPSTNU",
        ["inventoryType"] = "Subscriber",
    };

    private static Task Json(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(body.ToJsonString());
    }

    private static Task Error(HttpContext http, int status, string code, string message) =>
        Json(http, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["innerError"] = new JsonObject { ["request-id"] = Guid.NewGuid().ToString(), ["date"] = DateTime.UtcNow.ToString("s") } } });

    // PUT /drives/{drive-id}/items/root:/{path}:/content (the same as /drives/{drive-id}/root:/{path}:/content).
    [GeneratedRegex(@"^/v1\.0/drives/(?<drive>[^/]+)/(?:items/)?root:/(?<path>.+):/content$", RegexOptions.IgnoreCase)]
    private static partial Regex Upload();

    [GeneratedRegex(@"^/v1\.0/users/[^/]+/sendMail$", RegexOptions.IgnoreCase)]
    private static partial Regex SendMail();

    [GeneratedRegex(@"^/v1\.0/users/[^/]+/messages/(?<id>[^/]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex MessageById();

    [GeneratedRegex(@"^/v1\.0/users/[^/]+/mailFolders/[^/]+/messages/delta(\(\))?$", RegexOptions.IgnoreCase)]
    private static partial Regex Delta();

    [GeneratedRegex(@"^/v1\.0/communications/callRecords/(microsoft\.graph\.callRecords\.)?getPstnCalls\(fromDateTime=(?<from>[^,]+),toDateTime=(?<to>[^)]+)\)$", RegexOptions.IgnoreCase)]
    private static partial Regex Pstn();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
