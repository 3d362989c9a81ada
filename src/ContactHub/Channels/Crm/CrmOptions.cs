using System.ComponentModel.DataAnnotations;

namespace ContactHub.Channels.Crm;

public enum ErasureMode { Delete, Anonymise }

public sealed class CrmOptions : IValidatableObject
{
    public const string Section = "Crm";

    /// <summary>How often an idle connector looks for new events (it is also woken as soon as events are numbered).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events read per round.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>First wait after a CRM failure worth retrying (doubled each time, up to MaxRetryDelay; a Retry-After wins).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one node holds a connector before another may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    public DynamicsOptions Dynamics { get; set; } = new();

    public SalesforceOptions Salesforce { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (PollInterval < TimeSpan.FromMilliseconds(50)) yield return new($"{Section}:PollInterval must be at least 00:00:00.050.");
        if (BatchSize is < 1 or > 1000) yield return new($"{Section}:BatchSize must be between 1 and 1000.");
        if (RetryBaseDelay <= TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay) yield return new($"{Section}:RetryBaseDelay must be positive and at most {Section}:MaxRetryDelay.");
        if (Lease < TimeSpan.FromSeconds(1)) yield return new($"{Section}:Lease must be at least 00:00:01.");
        foreach (var r in Dynamics.Validate()) yield return r;
        foreach (var r in Salesforce.Validate()) yield return r;
    }

    internal static bool IsHttpUrl(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var u) && u.Scheme is "https" or "http";
}

/// <summary>Dynamics 365 / Dataverse Web API v9.2 with an Entra ID app (client credentials). Enabled when Url is set.</summary>
public sealed class DynamicsOptions
{
    private const string Prefix = "Crm:Dynamics";

    /// <summary>The environment, e.g. https://contoso.crm4.dynamics.com.</summary>
    public string? Url { get; set; }

    public string? TenantId { get; set; }
    public string? ClientId { get; set; }

    /// <summary>Never logged; keep it in an environment variable (Crm__Dynamics__ClientSecret).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Where tokens come from: https://login.microsoftonline.com (another cloud's authority, or a test's fake).</summary>
    public string AuthorityHost { get; set; } = "https://login.microsoftonline.com";

    /// <summary>The alternate key's column on phonecall, email and the message table, holding ContactHub's interaction id.</summary>
    public string AlternateKey { get; set; } = "contacthub_interactionid";

    /// <summary>The entity set SMS, WhatsApp and chat become: tasks, or a custom activity table's (e.g. new_messages).</summary>
    public string MessageTable { get; set; } = "tasks";

    public ErasureMode OnErasure { get; set; } = ErasureMode.Delete;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    internal IEnumerable<ValidationResult> Validate()
    {
        if (!Enabled) yield break;
        if (!CrmOptions.IsHttpUrl(Url)) yield return new($"{Prefix}:Url must be the environment's URL, e.g. https://contoso.crm4.dynamics.com (was '{Url}').");
        if (string.IsNullOrWhiteSpace(TenantId)) yield return new($"{Prefix}:TenantId is required (the Entra ID tenant of the app registration).");
        if (string.IsNullOrWhiteSpace(ClientId)) yield return new($"{Prefix}:ClientId is required (the app registration's application id).");
        if (string.IsNullOrWhiteSpace(ClientSecret)) yield return new($"{Prefix}:ClientSecret is required.");
        if (!CrmOptions.IsHttpUrl(AuthorityHost)) yield return new($"{Prefix}:AuthorityHost must be an absolute URL.");
        if (string.IsNullOrWhiteSpace(AlternateKey) || !AlternateKey.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) yield return new($"{Prefix}:AlternateKey must be a column's logical name.");
        if (string.IsNullOrWhiteSpace(MessageTable) || !MessageTable.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) yield return new($"{Prefix}:MessageTable must be an entity set name such as tasks.");
    }
}

/// <summary>Salesforce REST API with a connected app's client-credentials flow. Enabled when ClientId is set.</summary>
public sealed class SalesforceOptions
{
    private const string Prefix = "Crm:Salesforce";

    /// <summary>The org's My Domain login URL, e.g. https://contoso.my.salesforce.com (the client-credentials flow needs it).</summary>
    public string? LoginUrl { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Never logged; keep it in an environment variable (Crm__Salesforce__ClientSecret).</summary>
    public string? ClientSecret { get; set; }

    public string ApiVersion { get; set; } = "v60.0";

    /// <summary>The Task external-ID field holding ContactHub's interaction id.</summary>
    public string ExternalIdField { get; set; } = "ContactHub_Interaction_Id__c";

    public ErasureMode OnErasure { get; set; } = ErasureMode.Delete;

    public bool Enabled => !string.IsNullOrWhiteSpace(ClientId);

    internal IEnumerable<ValidationResult> Validate()
    {
        if (!Enabled) yield break;
        if (!CrmOptions.IsHttpUrl(LoginUrl)) yield return new($"{Prefix}:LoginUrl must be the org's My Domain URL, e.g. https://contoso.my.salesforce.com (was '{LoginUrl}').");
        if (string.IsNullOrWhiteSpace(ClientSecret)) yield return new($"{Prefix}:ClientSecret is required.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(ApiVersion, @"^v\d{2,3}\.\d$")) yield return new($"{Prefix}:ApiVersion looks like v60.0 (was '{ApiVersion}').");
        if (!ExternalIdField.EndsWith("__c", StringComparison.Ordinal) || !ExternalIdField.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            yield return new($"{Prefix}:ExternalIdField must be a custom field's API name ending in __c.");
    }
}
