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
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "f00dfeedf00dfeedf00dfeedf00dfeed";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string? Body, TimeSpan Delay)> _script = new();

    public sealed record Received(string Path, string? Authorization, Dictionary<string, string[]> Form);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string BaseUrl { get; }

    public FakeTwilio()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", Handle);
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Urls.Single();
    }

    /// <summary>The next answers, in order; after them every request succeeds.</summary>
    public void Enqueue(int status, string? body = null, TimeSpan delay = default) => _script.Enqueue((status, body, delay));

    public static string Error(int code, string message, int status) =>
        $$"""{"code": {{code}}, "message": "{{message}}", "more_info": "https://www.twilio.com/docs/errors/{{code}}", "status": {{status}}}""";

    private async Task<IResult> Handle(string account, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        Requests.Enqueue(new Received(request.Path, request.Headers.Authorization.ToString(), form.ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? "").ToArray())));
        var expected = "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes($"{AccountSid}:{AuthToken}"));
        if (account != AccountSid || request.Headers.Authorization != expected)
            return Results.Content(Error(20003, "Authenticate", 401), "application/json", statusCode: 401);
        if (_script.TryDequeue(out var next))
        {
            if (next.Delay > TimeSpan.Zero) await Task.Delay(next.Delay);
            if (next.Status >= 300) return Results.Content(next.Body ?? Error(20500, "Internal Server Error", next.Status), "application/json", statusCode: next.Status);
        }
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var to = form["To"].ToString();
        var from = form.TryGetValue("From", out var f) ? f.ToString() : null;
        var resource = $$"""
            {"account_sid": "{{AccountSid}}", "api_version": "2010-04-01", "body": {{System.Text.Json.JsonSerializer.Serialize(form["Body"].ToString())}},
             "date_created": "{{DateTime.UtcNow:R}}", "date_sent": null, "date_updated": "{{DateTime.UtcNow:R}}", "direction": "outbound-api",
             "error_code": null, "error_message": null, "from": {{(from is null ? "null" : $"\"{from}\"")}}, "messaging_service_sid": null,
             "num_media": "{{form["MediaUrl"].Count}}", "num_segments": "1", "price": null, "price_unit": "USD", "sid": "{{sid}}", "status": "queued",
             "subresource_uris": {"media": "/2010-04-01/Accounts/{{AccountSid}}/Messages/{{sid}}/Media.json"},
             "to": "{{to}}", "uri": "/2010-04-01/Accounts/{{AccountSid}}/Messages/{{sid}}.json"}
            """;
        return Results.Content(resource, "application/json", statusCode: 201);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
