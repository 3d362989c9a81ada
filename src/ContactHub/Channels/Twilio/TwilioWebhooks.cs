using System.Globalization;
using System.Text.Json;
using ContactHub.Campaigns;
using ContactHub.Channels;
using ContactHub.Contacts;
using ContactHub.Conversations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Twilio;

/// <summary>
/// Twilio's webhooks, authenticated by X-Twilio-Signature instead of an API key. Each event is
/// recorded once per Sid, however often Twilio retries it.
/// </summary>
public static class TwilioWebhooks
{
    public const string EmptyTwiml = """<?xml version="1.0" encoding="UTF-8"?><Response/>""";

    private static readonly HashSet<string> MessageStatuses =
        ["accepted", "scheduled", "queued", "sending", "sent", "delivered", "undelivered", "failed", "read", "received", "receiving", "canceled", "partially_delivered"];

    private static readonly HashSet<string> CallStatuses = ["queued", "initiated", "ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled"];

    public static RouteGroupBuilder MapTwilioWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/webhooks/twilio").WithTags("Webhooks").AllowAnonymous()
            .AddEndpointFilter<TwilioSignatureFilter>()
            .WithMetadata(new RequestSizeLimitAttribute(128 * 1024))
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(413);
        group.MapPost("/messages", Message).WithName("TwilioInboundMessage")
            .WithSummary("Inbound SMS and WhatsApp messages (Twilio's messaging webhook). Answers empty TwiML.");
        group.MapPost("/message-status", MessageStatus).WithName("TwilioMessageStatus")
            .WithSummary("Delivery status callbacks for messages ContactHub sent.");
        group.MapPost("/voice", Voice).WithName("TwilioVoiceStatus")
            .WithSummary("Call status callbacks: one call interaction per CallSid; an unanswered inbound call is a missed call, and so is one queued for its agents (agent-leg) that ends with none answering.");
        group.MapPost("/agent-leg", AgentLeg).WithName("TwilioAgentLeg")
            .WithSummary("Status callbacks of the <Dial> noun that rings your agents (statusCallbackEvent=\"initiated answered\"): the customer's call (ParentCallSid) rings, then is answered when an agent answers, which the speed of answer measures; one that ends unanswered is missed. A call not recorded yet is taken from Twilio's record of it, queued from its start. The agent's leg is never a call of its own.");
        group.MapPost("/voicemail", Voicemail).WithName("TwilioVoicemail")
            .WithSummary("Point an unanswered call here (a Dial action, a Studio flow): the call becomes a voicemail (missed for follow-ups) and the TwiML answered records the message.");
        group.MapPost("/recording", RecordingStatus).WithName("TwilioRecordingStatus")
            .WithSummary("Recording status callbacks: the recording is attached to its call (kind=voicemail when it is a voicemail). Nothing is kept when Twilio:Recordings:Enabled is false.");
        group.MapPost("/transcription", Transcription).WithName("TwilioTranscription")
            .WithSummary("Transcription callbacks: the text is stored with its recording and found by the contact search.");
        return group;
    }

    private static async Task<IResult> Message(HttpContext http, InteractionRecorder recorder, ConsentStore consents, IdentifierNormalizer normalizer, CsatStore csat,
        TimeProvider clock, ILogger<TwilioSignatureFilter> logger, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var sid = Field(form, "MessageSid") ?? Field(form, "SmsMessageSid");
        var from = Field(form, "From");
        var errors = new Dictionary<string, string[]>();
        if (sid is null || sid.Length > 64) errors["MessageSid"] = ["Required (at most 64 characters)."];
        if (from is null) errors["From"] = ["Required."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var whatsapp = from!.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase);
        var channel = whatsapp ? Channel.WhatsApp : Channel.Sms;
        var media = Enumerable.Range(0, int.TryParse(Field(form, "NumMedia"), out var n) ? Math.Clamp(n, 0, 10) : 0)
            .Select(i => new { url = Field(form, $"MediaUrl{i}"), contentType = Field(form, $"MediaContentType{i}") })
            .Where(m => m.url is not null).ToList();
        var metadata = JsonSerializer.SerializeToElement(new { to = Field(form, "To"), numMedia = media.Count, media, waId = Field(form, "WaId"), messagingServiceSid = Field(form, "MessagingServiceSid") });
        var customer = whatsapp ? new CustomerRef(Whatsapp: from, Name: Field(form, "ProfileName")) : new CustomerRef(Phone: from, Name: Field(form, "ProfileName"));
        var request = new InteractionRequest(channel, "inbound", Customer: customer, Status: "received", Body: Field(form, "Body"),
            Provider: "twilio", ProviderRef: sid, Metadata: metadata);

        var (interaction, invalid) = InteractionValidation.Validate(request, normalizer, clock.GetUtcNow());
        if (interaction is null) return TypedResults.ValidationProblem(FormFields(invalid, customerField: "From"));
        // The answer to a satisfaction survey is filed in the surveyed conversation; it neither reopens it nor starts another.
        if (await csat.TryAnswerAsync(interaction, Field(form, "ButtonPayload"), ct)) return TypedResults.Text(EmptyTwiml, "text/xml");
        var result = await recorder.RecordAsync(interaction, ct);

        if (!result.Repeated && OptOutKeywords.ConsentFrom(interaction.Body, Field(form, "OptOutType")) is { } consent)
        {
            await consents.SetAsync(result.ContactId, channel, consent, "keyword", ct);
            TwilioLog.ConsentChanged(logger, result.ContactId, consent, channel);
        }
        return TypedResults.Text(EmptyTwiml, "text/xml");
    }

    private static async Task<IResult> MessageStatus(HttpContext http, InteractionRecorder recorder, ILogger<TwilioSignatureFilter> logger, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var sid = Field(form, "MessageSid") ?? Field(form, "SmsSid");
        var status = (Field(form, "MessageStatus") ?? Field(form, "SmsStatus"))?.ToLowerInvariant();
        var errors = new Dictionary<string, string[]>();
        if (sid is null || sid.Length > 64) errors["MessageSid"] = ["Required (at most 64 characters)."];
        if (status is null || !MessageStatuses.Contains(status)) errors["MessageStatus"] = [$"One of {string.Join(", ", MessageStatuses)}."];
        var code = Field(form, "ErrorCode");
        if (code is not null && (code.Length > 10 || !code.All(char.IsAsciiDigit))) errors["ErrorCode"] = ["A Twilio error code (digits)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var error = code is null ? null : $"twilio {code}" + (Field(form, "ErrorMessage") is { } m ? $": {m[..Math.Min(m.Length, 400)]}" : "");
        if (await recorder.UpdateStatusAsync("twilio", sid!, status!, error, ct: ct) == InteractionRecorder.StatusUpdate.Unknown)
            TwilioLog.UnknownMessage(logger, sid!); // sent by another system: acknowledged so that Twilio stops retrying
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Voice(HttpContext http, InteractionRecorder recorder, IdentifierNormalizer normalizer, TimeProvider clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var sid = Field(form, "CallSid");
        var callStatus = Field(form, "CallStatus")?.ToLowerInvariant();
        var direction = Field(form, "Direction")?.ToLowerInvariant() ?? "inbound";
        var errors = new Dictionary<string, string[]>();
        if (sid is null || sid.Length > 64) errors["CallSid"] = ["Required (at most 64 characters)."];
        if (callStatus is null || !CallStatuses.Contains(callStatus)) errors["CallStatus"] = [$"One of {string.Join(", ", CallStatuses)}."];
        if (direction is not ("inbound" or "outbound-api" or "outbound-dial")) errors["Direction"] = ["inbound, outbound-api or outbound-dial."];
        long? duration = null;
        if (Field(form, "CallDuration") is { } d)
        {
            if (long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) duration = seconds;
            else errors["CallDuration"] = ["Whole seconds."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        // The leg a customer's call dialled to reach an agent, whose callbacks were pointed here: the customer's call, not one to the agent.
        // (A leg whose parent is not recorded is a call of its own: an agent's softphone dialling a customer.)
        if (direction == "outbound-dial" && Field(form, "ParentCallSid") is { Length: <= 64 } parent && await recorder.FindAsync("twilio", parent, ct) is not null)
        {
            if (callStatus == "in-progress") await recorder.UpdateStatusAsync("twilio", parent, "in-progress", null, AgentOf(Field(form, "To")), ct);
            return TypedResults.Text(EmptyTwiml, "text/xml");
        }

        var inbound = direction == "inbound";
        var customerNumber = inbound ? Field(form, "From") : Field(form, "To");
        // An inbound call nobody answered is a missed call: what follow-ups and reports look for. So is one left waiting for its
        // agents (queued by their <Dial> leg's callback, which also reports the answer) that ended with none of them answering:
        // Twilio's flow answered it, so Twilio says "completed", but the customer hung up waiting. A ring reported here says
        // nothing of agents (a flow that forwards it may answer the call without telling us): such a call stays completed.
        var abandoned = inbound && callStatus == "completed" && (await recorder.FindAsync("twilio", sid!, ct))?.Status == AgentLegWaiting;
        var status = inbound && callStatus is "no-answer" or "busy" or "canceled" || abandoned ? InteractionStatus.Missed : callStatus;
        var now = clock.GetUtcNow();
        var final = InteractionStatus.Rank(status) >= 3;
        var at = DateTimeOffset.TryParse(Field(form, "Timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stamp) ? stamp : now;
        var metadata = JsonSerializer.SerializeToElement(new
        {
            from = Field(form, "From"), to = Field(form, "To"), direction, recordingUrl = Field(form, "RecordingUrl"), callerName = Field(form, "CallerName"),
        });
        var request = new InteractionRequest(Channel.Call, inbound ? "inbound" : "outbound", OccurredAt: final && duration is { } dur ? at.AddSeconds(-dur) : at,
            EndedAt: final ? at : null, DurationSeconds: duration, Customer: new CustomerRef(Phone: customerNumber), Status: status,
            Provider: "twilio", ProviderRef: sid, Metadata: metadata);

        var (interaction, invalid) = InteractionValidation.Validate(request, normalizer, now);
        if (interaction is null) return TypedResults.ValidationProblem(FormFields(invalid, customerField: inbound ? "From" : "To"));
        await recorder.RecordAsync(interaction, ct);
        return TypedResults.Text(EmptyTwiml, "text/xml");
    }

    /// <summary>
    /// The status of a customer's call while its agents ring, as their <c>&lt;Dial&gt;</c> leg reports it: never one Twilio gives an
    /// inbound call itself, so its end tells an abandoned call from an answered one.
    /// </summary>
    private const string AgentLegWaiting = "queued";

    private static async Task<IResult> AgentLeg(HttpContext http, InteractionRecorder recorder, TwilioApi twilio, IdentifierNormalizer normalizer, TimeProvider clock,
        CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var parent = Field(form, "ParentCallSid");
        var callStatus = Field(form, "CallStatus")?.ToLowerInvariant();
        var errors = new Dictionary<string, string[]>();
        if (parent is null || parent.Length > 64)
            errors["ParentCallSid"] = ["Required (at most 64 characters): point this callback only at the <Dial> noun a customer's call rings agents with."];
        if (callStatus is null || !CallStatuses.Contains(callStatus)) errors["CallStatus"] = [$"One of {string.Join(", ", CallStatuses)}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var agent = AgentOf(Field(form, "To"));
        if (await recorder.FindAsync("twilio", parent!, ct) is null)
        {
            // The customer's call reports only its end (a number's "Call status changes"): it is recorded from Twilio's record of it,
            // waiting from its start, so that its answer has a ring to count from.
            global::Twilio.Rest.Api.V2010.Account.CallResource? call;
            try { call = await twilio.FindCallAsync(parent!); }
            catch (global::Twilio.Exceptions.ApiConnectionException)
            {
                return TypedResults.Problem("Twilio could not be reached to read the customer's call; try again.", statusCode: 503, title: "Twilio unreachable");
            }
            catch (global::Twilio.Exceptions.ApiException e)
            {
                return TypedResults.Problem($"Twilio refused to show the customer's call ({e.Status}, error {e.Code}).", statusCode: 503, title: "Twilio refused");
            }
            if (call is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ParentCallSid"] = [$"Twilio has no call {parent} in this account."] });
            var inbound = call.Direction == "inbound";
            var metadata = JsonSerializer.SerializeToElement(new { from = call.From, to = call.To, direction = call.Direction, callerName = call.CallerName });
            var request = new InteractionRequest(Channel.Call, inbound ? "inbound" : "outbound",
                OccurredAt: call.StartTime is { } start ? new DateTimeOffset(start.ToUniversalTime()) : null, // the SDK reads Twilio's GMT into local time
                Customer: new CustomerRef(Phone: inbound ? call.From : call.To), Agent: agent, Status: AgentLegWaiting, Provider: "twilio", ProviderRef: parent, Metadata: metadata);
            var (interaction, invalid) = InteractionValidation.Validate(request, normalizer, clock.GetUtcNow());
            if (interaction is null)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["ParentCallSid"] = [$"Its call is not a customer's: {string.Join(" ", invalid.SelectMany(e => e.Value))}"],
                });
            await recorder.RecordAsync(interaction, ct);
        }
        if (callStatus == "in-progress") await recorder.UpdateStatusAsync("twilio", parent!, "in-progress", null, agent, ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The agent a dialled leg reached: a Twilio Client identity (client:alice), or the user of a SIP address
    /// (sip:alice@centre.sip.twilio.com); a phone number names nobody.
    /// </summary>
    private static string? AgentOf(string? to)
    {
        var name = to switch
        {
            not null when to.StartsWith("client:", StringComparison.OrdinalIgnoreCase) => to[7..],
            not null when to.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) => to[4..].Split('@', ';')[0],
            _ => null,
        };
        return name is { Length: > 0 and <= 200 } && !name.Any(char.IsControl) ? name : null;
    }

    private static readonly HashSet<string> RecordingStatuses = ["in-progress", "completed", "absent", "failed", "paused", "stopped"];

    private static async Task<IResult> Voicemail(HttpContext http, InteractionRecorder recorder, IdentifierNormalizer normalizer, IOptions<TwilioOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var sid = Field(form, "CallSid");
        var from = Field(form, "From");
        var errors = new Dictionary<string, string[]>();
        if (sid is null || sid.Length > 64) errors["CallSid"] = ["Required (at most 64 characters)."];
        if (from is null) errors["From"] = ["Required."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var metadata = JsonSerializer.SerializeToElement(new { from, to = Field(form, "To"), direction = "inbound", callerName = Field(form, "CallerName"), voicemail = true });
        var request = new InteractionRequest(Channel.Call, "inbound", Customer: new CustomerRef(Phone: from), Status: InteractionStatus.Voicemail,
            Provider: "twilio", ProviderRef: sid, Metadata: metadata);
        var (interaction, invalid) = InteractionValidation.Validate(request, normalizer, clock.GetUtcNow());
        if (interaction is null) return TypedResults.ValidationProblem(FormFields(invalid, customerField: "From"));
        await recorder.RecordAsync(interaction, ct);

        var o = options.Value;
        var greeting = System.Security.SecurityElement.Escape(o.Recordings.VoicemailGreeting);
        var language = System.Security.SecurityElement.Escape(o.Recordings.VoicemailLanguage);
        if (!o.Recordings.Enabled)
            return TypedResults.Text($"""<?xml version="1.0" encoding="UTF-8"?><Response><Say language="{language}">{greeting}</Say><Hangup/></Response>""", "text/xml");
        var baseUrl = System.Security.SecurityElement.Escape(TwilioSignatureFilter.PublicBase(http.Request, o.PublicBaseUrl) + "/webhooks/twilio");
        var transcribe = o.Recordings.Transcribe ? $""" transcribe="true" transcribeCallback="{baseUrl}/transcription" """ : " ";
        return TypedResults.Text($"""<?xml version="1.0" encoding="UTF-8"?><Response><Say language="{language}">{greeting}</Say>""" +
            $"""<Record maxLength="{o.Recordings.VoicemailMaxSeconds}" playBeep="true" recordingStatusCallback="{baseUrl}/recording?kind=voicemail" recordingStatusCallbackEvent="completed"{transcribe}/>""" +
            "<Hangup/></Response>", "text/xml");
    }

    private static async Task<IResult> RecordingStatus(HttpContext http, RecordingStore recordings, IOptions<TwilioOptions> options, ILogger<TwilioSignatureFilter> logger,
        CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var sid = Field(form, "RecordingSid");
        var callSid = Field(form, "CallSid");
        var status = Field(form, "RecordingStatus")?.ToLowerInvariant() ?? "completed";
        var errors = new Dictionary<string, string[]>();
        if (sid is null || sid.Length > 64 || !sid.StartsWith("RE", StringComparison.Ordinal)) errors["RecordingSid"] = ["Required: RE followed by the recording's id."];
        if (callSid is null || callSid.Length > 64) errors["CallSid"] = ["Required (at most 64 characters)."];
        if (!RecordingStatuses.Contains(status)) errors["RecordingStatus"] = [$"One of {string.Join(", ", RecordingStatuses)}."];
        long? duration = null;
        if (Field(form, "RecordingDuration") is { } d)
        {
            if (long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 86_400) duration = seconds;
            else errors["RecordingDuration"] = ["Whole seconds."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (!options.Value.Recordings.Enabled)
        {
            TwilioLog.RecordingIgnored(logger, sid!);
            return TypedResults.NoContent();
        }
        await recordings.SaveAsync(sid!, callSid!, status, duration, http.Request.Query["kind"] == "voicemail", ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Transcription(HttpContext http, RecordingStore recordings, IOptions<TwilioOptions> options, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var recordingSid = Field(form, "RecordingSid");
        var status = Field(form, "TranscriptionStatus")?.ToLowerInvariant();
        var text = Field(form, "TranscriptionText");
        var errors = new Dictionary<string, string[]>();
        if (recordingSid is null || recordingSid.Length > 64) errors["RecordingSid"] = ["Required (at most 64 characters)."];
        if (status is not ("completed" or "failed")) errors["TranscriptionStatus"] = ["completed or failed."];
        if (text?.Length > 20_000) errors["TranscriptionText"] = ["At most 20,000 characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (!options.Value.Recordings.Enabled) return TypedResults.NoContent();
        var transcriptionSid = Field(form, "TranscriptionSid");
        var kept = status == "completed" ? text : null;
        // Twilio transcribes what a voicemail's Record verb took; when this comes before the recording's own callback, the recording is noted first.
        if (!await recordings.SaveTranscriptionAsync(recordingSid!, transcriptionSid, status!, kept, ct) && Field(form, "CallSid") is { Length: <= 64 } callSid
            && await recordings.SaveAsync(recordingSid!, callSid, "completed", null, voicemail: true, ct))
            await recordings.SaveTranscriptionAsync(recordingSid!, transcriptionSid, status!, kept, ct);
        return TypedResults.NoContent();
    }

    private static string? Field(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.ToString()) ? values.ToString().Trim() : null;

    /// <summary>Names the form field at fault, as Twilio sent it, rather than our JSON path.</summary>
    private static Dictionary<string, string[]> FormFields(Dictionary<string, string[]> errors, string customerField) =>
        errors.ToDictionary(e => e.Key switch
        {
            var k when k.StartsWith("customer", StringComparison.Ordinal) => customerField,
            "body" => "Body",
            "metadata" => "MediaUrl",
            "providerRef" => "Sid",
            var k => k,
        }, e => e.Value);
}
