using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Crm;

/// <summary>
/// Dynamics 365 through the Dataverse Web API v9.2: calls become phonecall activities, emails email activities, SMS,
/// WhatsApp and chat the configured table (task by default), each upserted by the alternate key holding ContactHub's
/// interaction id (PATCH …(contacthub_interactionid='42')), regarding the contact and completed.
/// </summary>
public sealed class DynamicsConnector : ICrmConnector
{
    private readonly HttpClient _http;
    private readonly DynamicsOptions _o;
    private readonly ClientCredentialsToken _token;

    public DynamicsConnector(IHttpClientFactory factory, IOptions<CrmOptions> options, TimeProvider clock)
    {
        _http = factory.CreateClient(Name);
        _o = options.Value.Dynamics;
        var scope = (_o.Url ?? "").TrimEnd('/') + "/.default";
        _token = new ClientCredentialsToken(_http, Name, $"{_o.AuthorityHost.TrimEnd('/')}/{_o.TenantId}/oauth2/v2.0/token",
            () => [new("grant_type", "client_credentials"), new("client_id", _o.ClientId ?? ""), new("client_secret", _o.ClientSecret ?? ""), new("scope", scope)], clock);
    }

    public string Name => "dynamics";

    public bool Enabled => _o.Enabled;

    private string Api => _o.Url!.TrimEnd('/') + "/api/data/v9.2/";

    private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";

    public async Task<string?> FindContactAsync(CrmContactKeys keys, CancellationToken ct)
    {
        var clauses = keys.Phones.SelectMany(p => new[] { $"mobilephone eq {Quote(p)}", $"telephone1 eq {Quote(p)}" })
            .Concat(keys.Emails.Select(e => $"emailaddress1 eq {Quote(e)}"));
        var url = $"{Api}contacts?$select=contactid&$filter={Uri.EscapeDataString(string.Join(" or ", clauses))}&$top=2";
        using var response = await Retry.SendAsync(_http, _token, Name, (_, _) => Request(HttpMethod.Get, url), ct);
        await Retry.ThrowIfFailedAsync(response, Name, "the contact search", Error, ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return CrmContactKeys.OneOf(document.RootElement.GetProperty("value").EnumerateArray().Select(c => c.GetProperty("contactid").GetString()!).ToList(), "Dynamics", Name);
    }

    public async Task<string?> UpsertAsync(CrmActivity a, string crmContactId, bool firstWrite, CancellationToken ct)
    {
        var (set, statusCode) = Table(a.Channel, a.Direction);
        var body = new Dictionary<string, object?>
        {
            ["subject"] = Truncate(a.Title, 200),
            ["description"] = a.Description,
            ["actualstart"] = a.OccurredAt.UtcDateTime,
            ["actualend"] = (a.EndedAt ?? a.OccurredAt).UtcDateTime,
            ["regardingobjectid_contact@odata.bind"] = $"/contacts({crmContactId})",
            ["statecode"] = 1, // completed
        };
        if (statusCode is { } code) body["statuscode"] = code;
        if (set is "phonecalls" or "emails") body["directioncode"] = a.Direction == "outbound";
        if (a.Channel == "call" && a.DurationSeconds is { } seconds) body["actualdurationminutes"] = (int)Math.Ceiling(seconds / 60.0);
        var url = $"{Api}{set}({_o.AlternateKey}={Quote(a.InteractionId.ToString(CultureInfo.InvariantCulture))})";
        using var response = await Retry.SendAsync(_http, _token, Name, (_, _) => Request(HttpMethod.Patch, url, body), ct);
        await Retry.ThrowIfFailedAsync(response, Name, $"the {set} upsert of interaction {a.InteractionId}", Error, ct);
        // 204 with OData-EntityId: https://org.crm.dynamics.com/api/data/v9.2/phonecalls(00000000-…)
        var entity = response.Headers.TryGetValues("OData-EntityId", out var ids) ? ids.FirstOrDefault() : null;
        return entity is { } e && e.LastIndexOf('(') is var open and >= 0 && e.EndsWith(')') ? e[(open + 1)..^1] : null;
    }

    public async Task EraseAsync(long interactionId, string? channel, CancellationToken ct)
    {
        var sets = channel is null ? new[] { "phonecalls", "emails", _o.MessageTable } : [Table(channel, "inbound").Set];
        foreach (var set in sets.Distinct())
        {
            var url = $"{Api}{set}({_o.AlternateKey}={Quote(interactionId.ToString(CultureInfo.InvariantCulture))})";
            using var response = _o.OnErasure == ErasureMode.Delete
                ? await Retry.SendAsync(_http, _token, Name, (_, _) => Request(HttpMethod.Delete, url), ct)
                : await Retry.SendAsync(_http, _token, Name, (_, _) => Request(HttpMethod.Patch, url, new Dictionary<string, object?> { ["subject"] = "(erased)", ["description"] = null }, upsert: false), ct);
            if ((int)response.StatusCode == 404) continue; // never written there, or already gone
            await Retry.ThrowIfFailedAsync(response, Name, $"the erasure of interaction {interactionId}", Error, ct);
        }
    }

    private (string Set, int? StatusCode) Table(string channel, string direction) => channel switch
    {
        "call" => ("phonecalls", direction == "outbound" ? 2 : 4), // Made / Received
        "email" => ("emails", direction == "outbound" ? 3 : 4),    // Sent / Received
        _ => (_o.MessageTable, _o.MessageTable == "tasks" ? 5 : null), // Completed
    };

    private static HttpRequestMessage Request(HttpMethod method, string url, object? body = null, bool upsert = true)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("OData-MaxVersion", "4.0");
        request.Headers.Add("OData-Version", "4.0");
        request.Headers.Accept.ParseAdd("application/json");
        if (!upsert) request.Headers.IfMatch.ParseAdd("*"); // update only: never create an erased record
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>Dataverse's error body: {"error": {"code": "0x…", "message": "…"}}.</summary>
    private static string? Error(string text)
    {
        try
        {
            using var d = JsonDocument.Parse(text);
            return d.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("message", out var m) ? $"{m.GetString()} ({(e.TryGetProperty("code", out var c) ? c.GetString() : "")})" : null;
        }
        catch (JsonException) { return null; }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
