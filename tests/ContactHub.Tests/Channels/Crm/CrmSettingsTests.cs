using System.ComponentModel.DataAnnotations;
using ContactHub.Channels.Crm;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Channels.Crm;

public sealed class CrmSettingsTests
{
    [Fact]
    public void Bad_connector_settings_are_refused_at_start_up_naming_each_key()
    {
        var options = new CrmOptions
        {
            BatchSize = 0,
            Dynamics = new() { Url = "contoso.crm4.dynamics.com", ClientId = "x", AlternateKey = "bad key" },
            Salesforce = new() { ClientId = "x", LoginUrl = null, ApiVersion = "60", ExternalIdField = "Interaction" },
        };
        var messages = options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage!).ToList();

        Assert.Contains(messages, m => m.StartsWith("Crm:BatchSize", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Crm:Dynamics:Url must be the environment's URL", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Crm:Dynamics:TenantId is required", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Crm:Dynamics:ClientSecret is required", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Crm:Dynamics:AlternateKey", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Crm:Salesforce:LoginUrl", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Crm:Salesforce:ClientSecret", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Crm:Salesforce:ApiVersion", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Crm:Salesforce:ExternalIdField", StringComparison.Ordinal));
        Assert.Empty(new CrmOptions().Validate(new ValidationContext(new CrmOptions()))); // nothing configured: nothing to check
    }
}

/// <summary>Both CRMs told to anonymise, not delete, what an erasure touches.</summary>
public sealed class CrmAnonymiseApp() : CrmApp(DatabaseProvider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [.. base.Settings, new("Crm:Dynamics:OnErasure", "Anonymise"), new("Crm:Salesforce:OnErasure", "Anonymise")];
}

public sealed class CrmAnonymiseTests(CrmAnonymiseApp app) : IClassFixture<CrmAnonymiseApp>
{
    [Fact]
    public async Task An_erasure_can_blank_the_activities_instead_of_deleting_them()
    {
        var phone = Customers.Phone();
        app.Dataverse.Contacts.Add(new FakeCrm.Contact(Guid.NewGuid().ToString(), phone, null, null));
        app.Salesforce.Contacts.Add(new FakeCrm.Contact("003" + Guid.NewGuid().ToString("N")[..15], phone, null, null));
        var sms = await app.Client().PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", body = "my passport number is X123", customer = new { phone } }, 201);
        var id = sms["interactionId"]!.GetValue<long>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(app.Dataverse.Activities.ContainsKey($"tasks:{id}") && app.Salesforce.Activities.ContainsKey($"{id}")) && DateTime.UtcNow < deadline) await Task.Delay(50);

        (await app.Client().DeleteAsync($"/api/v1/contacts/{sms["contactId"]}")).EnsureSuccessStatusCode();

        while (app.Salesforce.Activities[$"{id}"]["Subject"]!.GetValue<string>() != "(erased)" && DateTime.UtcNow < deadline) await Task.Delay(50);
        while (app.Dataverse.Activities[$"tasks:{id}"]["subject"]!.GetValue<string>() != "(erased)" && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Null(app.Salesforce.Activities[$"{id}"]["Description"]);
        Assert.Null(app.Dataverse.Activities[$"tasks:{id}"]["description"]);
    }
}
