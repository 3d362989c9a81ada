using System.Globalization;
using System.Security.Cryptography;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Twilio;

/// <summary>
/// Play links for recordings: a ContactHub URL signed for one recording and a few minutes (Twilio:Recordings:LinkLifetime),
/// which streams the audio from Twilio with the account's credentials. The browser never sees Twilio's URL or credentials.
/// </summary>
public sealed class RecordingLinks(IDataProtectionProvider provider, RecordingStore store, IOptions<TwilioOptions> options, TimeProvider clock)
{
    /// <summary>Play links for the recordings of these interactions (only calls have any), by interaction; empty when recordings are off.</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<RecordingLink>>> ForAsync(IEnumerable<(long Id, string Channel)> interactions, CancellationToken ct)
    {
        var calls = interactions.Where(i => i.Channel == Channel.Call).Select(i => i.Id).ToList();
        if (calls.Count == 0 || !options.Value.Recordings.Enabled) return new Dictionary<long, IReadOnlyList<RecordingLink>>();
        return (await store.ForInteractionsAsync(calls, ct)).ToDictionary(r => r.Key, r => (IReadOnlyList<RecordingLink>)r.Value.Select(For).ToList());
    }

    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("ContactHub.Recordings.Play").ToTimeLimitedDataProtector();

    public RecordingLink For(Recording r)
    {
        var expires = clock.GetUtcNow() + options.Value.Recordings.LinkLifetime;
        var token = _protector.Protect(r.Id.ToString(CultureInfo.InvariantCulture), expires);
        return new RecordingLink(r.Id, r.DurationSeconds, r.Voicemail, r.Status, r.TranscriptionStatus, r.TranscriptionText,
            $"/recordings/{r.Id}/audio?token={Uri.EscapeDataString(token)}", expires);
    }

    /// <summary>True when the token was made for this recording and has not expired.</summary>
    public bool Allows(long id, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2000) return false;
        try { return _protector.Unprotect(token, out var expires) == id.ToString(CultureInfo.InvariantCulture) && expires > clock.GetUtcNow(); }
        catch (CryptographicException) { return false; }
    }
}

public static class RecordingEndpoints
{
    public static ApiGroups MapRecordings(this ApiGroups api)
    {
        api.Read.MapGet("/interactions/{id:long}/recordings", List).WithTags("Recordings").WithName("ListInteractionRecordings")
            .WithSummary("A call's recordings and voicemail, with their transcriptions and a play URL valid for Twilio:Recordings:LinkLifetime.")
            .ProducesProblem(404);
        return api;
    }

    public static IEndpointRouteBuilder MapRecordingAudio(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/recordings/{id:long}/audio", Audio).WithTags("Recordings").WithName("PlayRecording").AllowAnonymous()
            .WithSummary("Streams a recording's audio (MP3) from Twilio; needs the signed token of a play URL, not an API key.")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(502);
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<RecordingLink>>, ProblemHttpResult>> List(long id, RecordingStore store, RecordingLinks links, CancellationToken ct)
    {
        var recordings = await store.ForInteractionsAsync([id], ct);
        if (recordings.Count == 0 && !await store.InteractionExistsAsync(id, ct)) return Problems.NotFound($"Interaction {id} does not exist.");
        return TypedResults.Ok<IReadOnlyList<RecordingLink>>(recordings.GetValueOrDefault(id)?.Select(links.For).ToList() ?? []);
    }

    private static async Task<IResult> Audio(long id, string? token, HttpContext http, RecordingLinks links, RecordingStore store, TwilioApi twilio,
        IOptions<TwilioOptions> options, CancellationToken ct)
    {
        if (!links.Allows(id, token))
            return TypedResults.Problem("This play link is not valid for this recording, or has expired; ask for a new one.", statusCode: 403, title: "Link not valid");
        if (!options.Value.Enabled || !options.Value.Recordings.Enabled || await store.GetAsync(id, ct) is not { } recording)
            return Problems.NotFound($"Recording {id} is not kept here.");
        HttpResponseMessage upstream;
        try { upstream = await twilio.OpenRecordingAsync(recording.RecordingSid, ct); }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            return TypedResults.Problem("Twilio could not be reached for the audio; try again.", statusCode: 502, title: "Twilio unreachable");
        }
        http.Response.RegisterForDispose(upstream);
        if ((int)upstream.StatusCode == 404) return Problems.NotFound($"Twilio no longer has recording {id}.");
        if (!upstream.IsSuccessStatusCode)
            return TypedResults.Problem($"Twilio answered {(int)upstream.StatusCode} for the audio.", statusCode: 502, title: "Twilio refused");
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.Stream(await upstream.Content.ReadAsStreamAsync(ct), "audio/mpeg", enableRangeProcessing: false);
    }
}
