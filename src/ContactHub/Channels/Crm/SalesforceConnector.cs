using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Crm;

/// <summary>
/// Salesforce through its REST API: every interaction is a Task (TaskSubtype Call, Email or Task; CallType and
/// CallDurationInSeconds for calls; Status Completed; WhoId the Contact) upserted by the external-ID field holding
/// ContactHub's interaction id (PATCH /sobjects/Task/ContactHub_Interaction_Id__c/42).
/// </summary>
public sealed class SalesforceConnector : ICrmConnector
{
    private readonly HttpClient _http;
    private readonly SalesforceOptions _o;
    private readonly ClientCredentialsToken _token;

    public SalesforceConnector(IHttpClientFactory factory, IOptions<CrmOptions> options, TimeProvider clock)
    {
        _http = factory.CreateClient(Name);
        _o = options.Value.Salesforce;
        _token = new ClientCredentialsToken(_http, Name, $"{(_o.LoginUrl ?? "").TrimEnd('/')}/services/oauth2/token",
            () => [new("grant_type", "client_credentials"), new("client_id", _o.ClientId ?? ""), new("client_secret", _o.ClientSecret ?? "")], clock);
    }

    public string Name => "salesforce";

    public bool Enabled => _o.Enabled;

    /// <summary>The REST base of the org the token was issued for (its instance_url).</summary>
    private string Api(JsonElement token) =>
        (token.TryGetProperty("instance_url", out var i) ? i.GetString()! : _o.LoginUrl!).TrimEnd('/') + $"/services/data/{_o.ApiVersion}/";

    private static string Quote(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    public async Task<string?> FindContactAsync(CrmContactKeys keys, CancellationToken ct)
    {
        var clauses = new List<string>();
        if (keys.Phones.Count > 0)
        {
            var phones = string.Join(", ", keys.Phones.Select(Quote));
            clauses.Add($"Phone IN ({phones}) OR MobilePhone IN ({phones})");
        }
        if (keys.Emails.Count > 0) clauses.Add($"Email IN ({string.Join(", ", keys.Emails.Select(Quote))})");
        var soql = $"SELECT Id FROM Contact WHERE {string.Join(" OR ", clauses)} LIMIT 2";
        using var response = await Retry.SendAsync(_http, _token, Name, (_, token) => Request(HttpMethod.Get, $"{Api(token)}query?q={Uri.EscapeDataString(soql)}"), ct);
        await Retry.ThrowIfFailedAsync(response, Name, "the contact query", Error, ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return CrmContactKeys.OneOf(document.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("Id").GetString()!).ToList(), "Salesforce", Name);
    }

    public async Task<string?> UpsertAsync(CrmActivity a, string crmContactId, bool firstWrite, CancellationToken ct)
    {
        var body = new Dictionary<string, object?>
        {
            ["Subject"] = a.Title.Length <= 255 ? a.Title : a.Title[..254] + "…",
            ["Description"] = a.Description,
            ["WhoId"] = crmContactId,
            ["Status"] = "Completed",
            ["ActivityDate"] = a.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        // TaskSubtype can be set when the Task is created, never changed afterwards.
        if (firstWrite) body["TaskSubtype"] = a.Channel switch { "call" => "Call", "email" => "Email", _ => "Task" };
        if (a.Channel == "call")
        {
            body["CallType"] = a.Direction == "outbound" ? "Outbound" : "Inbound";
            body["CallDurationInSeconds"] = a.DurationSeconds ?? 0;
        }
        var id = a.InteractionId.ToString(CultureInfo.InvariantCulture);
        using var response = await Retry.SendAsync(_http, _token, Name, (_, token) => Request(HttpMethod.Patch, $"{Api(token)}sobjects/Task/{_o.ExternalIdField}/{id}", body), ct);
        await Retry.ThrowIfFailedAsync(response, Name, $"the Task upsert of interaction {a.InteractionId}", Error, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (text.Length == 0) return null; // 204: updated (older API versions)
        using var document = JsonDocument.Parse(text);
        return document.RootElement.TryGetProperty("id", out var created) ? created.GetString() : null;
    }

    public async Task EraseAsync(long interactionId, string? channel, CancellationToken ct)
    {
        var id = interactionId.ToString(CultureInfo.InvariantCulture);
        using var response = await Retry.SendAsync(_http, _token, Name, (_, token) => _o.OnErasure == ErasureMode.Delete
            ? Request(HttpMethod.Delete, $"{Api(token)}sobjects/Task/{_o.ExternalIdField}/{id}")
            : Request(HttpMethod.Patch, $"{Api(token)}sobjects/Task/{_o.ExternalIdField}/{id}", new Dictionary<string, object?> { ["Subject"] = "(erased)", ["Description"] = null }), ct);
        if ((int)response.StatusCode == 404) return;
        await Retry.ThrowIfFailedAsync(response, Name, $"the erasure of interaction {interactionId}", Error, ct);
    }

    private static HttpRequestMessage Request(HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>Salesforce's error body: [{"message": "…", "errorCode": "…", "fields": […]}].</summary>
    private static string? Error(string text)
    {
        try
        {
            using var d = JsonDocument.Parse(text);
            var first = d.RootElement.ValueKind == JsonValueKind.Array ? d.RootElement.EnumerateArray().FirstOrDefault() : d.RootElement;
            return first.ValueKind == JsonValueKind.Object && first.TryGetProperty("message", out var m)
                ? $"{m.GetString()} ({(first.TryGetProperty("errorCode", out var c) ? c.GetString() : "")})" : null;
        }
        catch (JsonException) { return null; }
    }
}
