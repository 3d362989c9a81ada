using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// A subscriber's endpoint on a real local port: it keeps what it receives (headers and the raw body) and can be "down"
/// (answers 503) for as long as a test says. <see cref="Accepted"/> holds each webhook-id once, as a receiver that
/// de-duplicates would; <see cref="Requests"/> holds every attempt.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Received(string? Id, string? Timestamp, string? Signature, string Body, DateTimeOffset At)
    {
        public JsonNode Json => JsonNode.Parse(Body)!;
    }

    public ConcurrentQueue<Received> Requests { get; } = new();

    public ConcurrentQueue<Received> Accepted { get; } = new();

    private readonly ConcurrentDictionary<string, bool> _seen = new();

    public volatile bool Down;

    public string Url { get; }

    public WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/hooks", Handle);
        _app.StartAsync().GetAwaiter().GetResult();
        Url = _app.Urls.Single() + "/hooks";
    }

    private async Task<IResult> Handle(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var received = new Received(request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"],
            await reader.ReadToEndAsync(), DateTimeOffset.UtcNow);
        Requests.Enqueue(received);
        if (Down) return Results.StatusCode(503);
        if (received.Id is not null && _seen.TryAdd(received.Id, true)) Accepted.Enqueue(received);
        return Results.NoContent();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
