using System.Text.Json;
using System.Text.Json.Serialization;
using ContactHub.Conversations;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Twilio.Exceptions;

namespace ContactHub.Channels.Twilio;

public static class MessageTemplateEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record MessageTemplateRequest(string? Channel = "whatsapp", string? ContentSid = null, Dictionary<string, string>? Variables = null, string? Preview = null);

    public static ApiGroups MapMessageTemplates(this ApiGroups api)
    {
        var group = api.Under("/message-templates", g => g.WithTags("Message templates").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/", List).WithName("ListMessageTemplates").WithSummary("Twilio Content templates registered by name.");
        group.Read.MapGet("/{name}", Get).WithName("GetMessageTemplate");
        group.Admin.MapPut("/{name}", Put).WithName("PutMessageTemplate")
            .WithSummary("Registers (or replaces) a Twilio Content template under a name: its ContentSid, Liquid for each of its variables, and the preview recorded on the interaction.")
            .WithDescription("When Twilio is configured the ContentSid is checked at Twilio's Content API, and every variable the template declares must be mapped. " +
                "WhatsApp allows only approved templates outside the customer's 24-hour window: send one with `contentTemplate` from a conversation or a campaign.")
            .ProducesProblem(422).ProducesProblem(503)
            .WithRequestExample("""
                {"channel": "whatsapp", "contentSid": "HXb5b62575e6e4ff6129ad7c8efe1f983e",
                 "variables": {"1": "{{ contact.name | default: 'there' }}", "2": "{{ data.booking.reference }}"},
                 "preview": "Hello {{ contact.name | default: 'there' }}, your booking {{ data.booking.reference }} is confirmed."}
                """);
        group.Admin.MapDelete("/{name}", Delete).WithName("DeleteMessageTemplate");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<MessageTemplate>>> List(MessageTemplateStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct));

    private static async Task<Results<Ok<MessageTemplate>, ProblemHttpResult>> Get(string name, MessageTemplateStore store, CancellationToken ct) =>
        await store.GetAsync(name, ct) is { } template ? TypedResults.Ok(template) : Problems.NotFound($"There is no message template '{name}'.");

    private static async Task<Results<Ok<MessageTemplate>, Created<MessageTemplate>, ProblemHttpResult, ValidationProblem>> Put(string name, MessageTemplateRequest request,
        MessageTemplateStore store, TwilioApi twilio, IOptions<TwilioOptions> options, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!MessageTemplateStore.Name().IsMatch(name)) errors["name"] = ["1 to 100 lower-case letters, digits, '-' or '_'."];
        var channel = request.Channel?.Trim().ToLowerInvariant();
        if (channel is not (Channel.WhatsApp or Channel.Sms)) errors["channel"] = ["whatsapp or sms (Twilio Content templates)."];
        if (request.ContentSid is null || !MessageTemplateStore.ContentSid().IsMatch(request.ContentSid)) errors["contentSid"] = ["Twilio's Content SID: HX followed by 32 hexadecimal characters."];
        var variables = request.Variables ?? [];
        if (variables.Count > 50) errors["variables"] = ["At most 50 variables."];
        foreach (var (key, value) in variables)
        {
            if (key.Length is 0 or > 50) errors[$"variables.{key}"] = ["A variable name of 1 to 50 characters, as in the template ({{1}} is \"1\")."];
            else if (value is null || value.Length > 1000) errors[$"variables.{key}"] = ["Liquid text of at most 1000 characters."];
            else if (!TemplateRenderer.TryParse(value, out _, out var error)) errors[$"variables.{key}"] = [$"Does not parse as Liquid: {error}"];
        }
        if (request.Preview is { Length: > 1600 }) errors["preview"] = ["At most 1600 characters."];
        else if (request.Preview is { } preview && !TemplateRenderer.TryParse(preview, out _, out var previewError)) errors["preview"] = [$"Does not parse as Liquid: {previewError}"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (options.Value.Enabled)
        {
            try
            {
                if (await twilio.FindContentAsync(request.ContentSid!) is not { } content)
                    return Unprocessable("contentSid", $"Twilio has no Content template {request.ContentSid} in this account.");
                var declared = Declared(content.Variables?.ToString());
                var unmapped = declared.Where(v => !variables.ContainsKey(v)).ToList();
                if (unmapped.Count > 0)
                    return Unprocessable("variables", $"The template at Twilio declares {string.Join(", ", unmapped.Select(v => "{{" + v + "}}"))}; give each a value.");
            }
            catch (ApiConnectionException)
            {
                return TypedResults.Problem("Twilio could not be reached to check the Content SID; try again.", statusCode: 503, title: "Twilio unreachable");
            }
            catch (ApiException e)
            {
                return TypedResults.Problem($"Twilio refused to show the template ({e.Status}, error {e.Code}).", statusCode: 503, title: "Twilio refused");
            }
        }

        var created = await store.SaveAsync(name, channel!, request.ContentSid!, variables, request.Preview, ct);
        audit.Write(http, created ? "message-template.create" : "message-template.update", "message-template", name);
        var saved = (await store.GetAsync(name, ct))!;
        return created ? TypedResults.Created($"/api/v1/message-templates/{name}", saved) : TypedResults.Ok(saved);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string name, MessageTemplateStore store, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (!await store.DeleteAsync(name, ct)) return Problems.NotFound($"There is no message template '{name}'.");
        audit.Write(http, "message-template.delete", "message-template", name);
        return TypedResults.NoContent();
    }

    /// <summary>The variable names a Content resource declares ({"1": "sample", …}).</summary>
    private static IReadOnlyList<string> Declared(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.EnumerateObject().Select(p => p.Name).ToList() : [];
        }
        catch (JsonException) { return []; }
    }

    private static ProblemHttpResult Unprocessable(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        { Status = 422, Title = "The template cannot be registered", Detail = message });
}
