using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// A local HTTP server speaking Twilio's Messages API as its documentation describes it: Basic auth
/// with the account SID and token, form fields in, the Message resource (201) or an error body
/// {code, message, more_info, status} out. Tests script failures (429, 500, 21610, slow answers).
/// Also the Content API's fetch (templates the test registers), a call's fetch (calls the test places), a recording's media (.mp3)
/// and its deletion.
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "f00dfeedf00dfeedf00dfeedf00dfeed";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string? Body, TimeSpan Delay)> _script = new();

    public sealed record Received(string Path, string? Authorization, Dictionary<string, string[]> Form, string Method = "POST");

    /// <summary>Content templates Twilio knows, by sid (HX…): their variables' sample values.</summary>
    public ConcurrentDictionary<string, Dictionary<string, string>> Contents { get; } = new();

    /// <summary>Recordings Twilio keeps, by sid (RE…): their audio.</summary>
    public ConcurrentDictionary<string, byte[]> Recordings { get; } = new();

    public ConcurrentQueue<string> DeletedRecordings { get; } = new();

    /// <summary>A call Twilio knows: who placed it, whom it reached, its direction (inbound, outbound-api, outbound-dial) and when it started.</summary>
    public sealed record Call(string From, string To, string Direction, DateTimeOffset StartTime, string Status = "in-progress");

    /// <summary>Calls Twilio knows, by sid (CA…).</summary>
    public ConcurrentDictionary<string, Call> Calls { get; } = new();

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string BaseUrl { get; }

    public FakeTwilio()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", Handle);
        _app.MapGet("/v1/Content/{sid}", FetchContent);
        _app.MapGet("/2010-04-01/Accounts/{account}/Calls/{file}", FetchCall);
        _app.MapGet("/2010-04-01/Accounts/{account}/Recordings/{file}", RecordingMedia);
        _app.MapDelete("/2010-04-01/Accounts/{account}/Recordings/{file}", DeleteRecording);
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Urls.Single();
    }

    /// <summary>The next answers, in order; after them every request succeeds.</summary>
    public void Enqueue(int status, string? body = null, TimeSpan delay = default) => _script.Enqueue((status, body, delay));

    /// <summary>
    /// The answer to the next message to <paramref name="to"/> (its last digits suffice), whatever else is sent meanwhile: the outbox
    /// runs in the background, and a message another test deferred could take an answer meant for this one. For a call's fetch,
    /// <paramref name="to"/> is the call's sid.
    /// </summary>
    public void EnqueueFor(string to, int status, string body) => _scriptFor[to] = (status, body);

    private readonly ConcurrentDictionary<string, (int Status, string Body)> _scriptFor = new();

    public static string Error(int code, string message, int status) =>
        $$"""{"code": {{code}}, "message": "{{message}}", "more_info": "https://www.twilio.com/docs/errors/{{code}}", "status": {{status}}}""";

    private async Task<IResult> Handle(string account, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        Requests.Enqueue(new Received(request.Path, request.Headers.Authorization.ToString(), form.ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? "").ToArray())));
        var expected = "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes($"{AccountSid}:{AuthToken}"));
        if (account != AccountSid || request.Headers.Authorization != expected)
            return Results.Content(Error(20003, "Authenticate", 401), "application/json", statusCode: 401);
        var recipient = form["To"].ToString();
        foreach (var scripted in _scriptFor.Keys.Where(k => recipient.EndsWith(k, StringComparison.Ordinal)))
            if (_scriptFor.TryRemove(scripted, out var answer))
                return Results.Content(answer.Body, "application/json", statusCode: answer.Status);
        if (_script.TryDequeue(out var next))
        {
            if (next.Delay > TimeSpan.Zero) await Task.Delay(next.Delay);
            if (next.Status >= 300) return Results.Content(next.Body ?? Error(20500, "Internal Server Error", next.Status), "application/json", statusCode: next.Status);
        }
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var to = form["To"].ToString();
        var from = form.TryGetValue("From", out var f) ? f.ToString() : null;
        var resource = $$"""
            {"account_sid": "{{AccountSid}}", "api_version": "2010-04-01", "body": {{System.Text.Json.JsonSerializer.Serialize(form.TryGetValue("Body", out var body) ? body.ToString() : "")}},
             "date_created": "{{DateTime.UtcNow:R}}", "date_sent": null, "date_updated": "{{DateTime.UtcNow:R}}", "direction": "outbound-api",
             "error_code": null, "error_message": null, "from": {{(from is null ? "null" : $"\"{from}\"")}}, "messaging_service_sid": null,
             "num_media": "{{form["MediaUrl"].Count}}", "num_segments": "1", "price": null, "price_unit": "USD", "sid": "{{sid}}", "status": "queued",
             "subresource_uris": {"media": "/2010-04-01/Accounts/{{AccountSid}}/Messages/{{sid}}/Media.json"},
             "to": "{{to}}", "uri": "/2010-04-01/Accounts/{{AccountSid}}/Messages/{{sid}}.json"}
            """;
        return Results.Content(resource, "application/json", statusCode: 201);
    }

    private static bool Authenticated(HttpRequest request) =>
        request.Headers.Authorization == "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes($"{AccountSid}:{AuthToken}"));

    private static IResult NotFound(string path) =>
        Results.Content(Error(20404, $"The requested resource {path} was not found", 404), "application/json", statusCode: 404);

    private IResult FetchContent(string sid, HttpRequest request)
    {
        Requests.Enqueue(new Received(request.Path, request.Headers.Authorization.ToString(), [], "GET"));
        if (!Authenticated(request)) return Results.Content(Error(20003, "Authenticate", 401), "application/json", statusCode: 401);
        if (!Contents.TryGetValue(sid, out var variables)) return NotFound(request.Path);
        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = sid, ["account_sid"] = AccountSid, ["friendly_name"] = "template " + sid, ["language"] = "en", ["variables"] = variables,
            ["types"] = new Dictionary<string, object> { ["twilio/text"] = new { body = "Hello {{1}}" } },
            ["date_created"] = "2026-11-01T10:00:00Z", ["date_updated"] = "2026-11-01T10:00:00Z", ["url"] = $"https://content.twilio.com/v1/Content/{sid}",
            ["links"] = new Dictionary<string, string> { ["approval_fetch"] = $"https://content.twilio.com/v1/Content/{sid}/ApprovalRequests" },
        });
    }

    /// <summary>The Call resource as Twilio's REST API gives it: snake_case fields, times in RFC 2822 (GMT).</summary>
    private IResult FetchCall(string account, string file, HttpRequest request)
    {
        Requests.Enqueue(new Received(request.Path, request.Headers.Authorization.ToString(), [], "GET"));
        if (account != AccountSid || !Authenticated(request)) return Results.Content(Error(20003, "Authenticate", 401), "application/json", statusCode: 401);
        var sid = file.EndsWith(".json", StringComparison.Ordinal) ? file[..^5] : file;
        if (_scriptFor.TryRemove(sid, out var scripted)) return Results.Content(scripted.Body, "application/json", statusCode: scripted.Status);
        if (!Calls.TryGetValue(sid, out var call)) return NotFound(request.Path);
        static string Rfc2822(DateTimeOffset t) => t.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = sid, ["account_sid"] = AccountSid, ["parent_call_sid"] = null, ["from"] = call.From, ["from_formatted"] = call.From, ["to"] = call.To,
            ["to_formatted"] = call.To, ["direction"] = call.Direction, ["status"] = call.Status, ["start_time"] = Rfc2822(call.StartTime), ["end_time"] = null,
            ["duration"] = null, ["caller_name"] = null, ["answered_by"] = null, ["api_version"] = "2010-04-01", ["price"] = null, ["price_unit"] = "USD",
            ["date_created"] = Rfc2822(call.StartTime), ["date_updated"] = Rfc2822(call.StartTime), ["forwarded_from"] = null, ["group_sid"] = null,
            ["phone_number_sid"] = "PN" + new string('0', 32), ["queue_time"] = "0", ["trunk_sid"] = null,
            ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Calls/{sid}.json",
            ["subresource_uris"] = new Dictionary<string, string> { ["recordings"] = $"/2010-04-01/Accounts/{AccountSid}/Calls/{sid}/Recordings.json" },
        });
    }

    private IResult RecordingMedia(string account, string file, HttpRequest request)
    {
        Requests.Enqueue(new Received(request.Path, request.Headers.Authorization.ToString(), [], "GET"));
        if (account != AccountSid || !Authenticated(request)) return Results.Content(Error(20003, "Authenticate", 401), "application/json", statusCode: 401);
        return file.EndsWith(".mp3", StringComparison.Ordinal) && Recordings.TryGetValue(file[..^4], out var audio)
            ? Results.Bytes(audio, "audio/mpeg")
            : NotFound(request.Path);
    }

    private IResult DeleteRecording(string account, string file, HttpRequest request)
    {
        Requests.Enqueue(new Received(request.Path, request.Headers.Authorization.ToString(), [], "DELETE"));
        if (account != AccountSid || !Authenticated(request)) return Results.Content(Error(20003, "Authenticate", 401), "application/json", statusCode: 401);
        if (_script.TryDequeue(out var next) && next.Status >= 300)
            return Results.Content(next.Body ?? Error(20500, "Internal Server Error", next.Status), "application/json", statusCode: next.Status);
        var sid = file.EndsWith(".json", StringComparison.Ordinal) ? file[..^5] : file;
        if (!Recordings.TryRemove(sid, out _)) return NotFound(request.Path);
        DeletedRecordings.Enqueue(sid);
        return Results.NoContent();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
