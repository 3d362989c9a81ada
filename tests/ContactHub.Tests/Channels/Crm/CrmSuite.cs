using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using static ContactHub.Tests.Infrastructure.Eventually;

namespace ContactHub.Tests.Channels.Crm;

/// <summary>Both CRMs configured against local fakes of their APIs; the connectors poll quickly and back off briefly.</summary>
public abstract class CrmApp(DatabaseProvider provider) : ContactHubApp(provider)
{
    public FakeDataverse Dataverse { get; } = new();

    public FakeSalesforce Salesforce { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Crm:PollInterval", "00:00:00.100"),
        new("Crm:RetryBaseDelay", "00:00:00.200"),
        new("Crm:MaxRetryDelay", "00:00:01"),
        new("Crm:Lease", "00:00:05"),
        new("Crm:Dynamics:Url", Dataverse.BaseUrl),
        new("Crm:Dynamics:AuthorityHost", Dataverse.BaseUrl),
        new("Crm:Dynamics:TenantId", FakeDataverse.Tenant),
        new("Crm:Dynamics:ClientId", FakeDataverse.ClientId),
        new("Crm:Dynamics:ClientSecret", FakeDataverse.ClientSecret),
        new("Crm:Salesforce:LoginUrl", Salesforce.BaseUrl),
        new("Crm:Salesforce:ClientId", FakeSalesforce.ClientId),
        new("Crm:Salesforce:ClientSecret", FakeSalesforce.ClientSecret),
    ];

    protected override async ValueTask DisposeExtrasAsync()
    {
        await Dataverse.DisposeAsync();
        await Salesforce.DisposeAsync();
    }
}

public sealed class CrmSqliteApp() : CrmApp(DatabaseProvider.Sqlite);

public sealed class CrmPostgresApp() : CrmApp(DatabaseProvider.Postgres);

public sealed class CrmOnSqlite(CrmSqliteApp app) : CrmSuite<CrmSqliteApp>(app);

public sealed class CrmOnPostgres(CrmPostgresApp app) : CrmSuite<CrmPostgresApp>(app);

/// <summary>Every interaction on the contact's timeline in Dynamics 365 and Salesforce, exactly once, kept up to date, erased with the contact.</summary>
public abstract class CrmSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : CrmApp
{
    private HttpClient Api => App.Client();

    private static long Id(JsonNode node, string field) => node[field]!.GetValue<long>();

    private (FakeCrm.Contact Dynamics, FakeCrm.Contact Salesforce) InBothCrms(string phone, string? email = null)
    {
        var dynamics = new FakeCrm.Contact(Guid.NewGuid().ToString(), null, phone, email);
        var salesforce = new FakeCrm.Contact("003" + Guid.NewGuid().ToString("N")[..15], phone, null, email);
        App.Dataverse.Contacts.Add(dynamics);
        App.Salesforce.Contacts.Add(salesforce);
        return (dynamics, salesforce);
    }

    private JsonObject? Dynamics(string set, long interactionId) => App.Dataverse.Activities.GetValueOrDefault($"{set}:{interactionId}");

    private JsonObject? Salesforce(long interactionId) => App.Salesforce.Activities.GetValueOrDefault(interactionId.ToString());

    private async Task<JsonNode> Connector(string name) =>
        (await Api.GetOk("/api/v1/connectors")).AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!;

    [SkippableFact]
    public async Task A_call_becomes_one_activity_in_each_crm_linked_to_the_contact_and_its_end_updates_the_same_record()
    {
        var phone = Customers.Phone();
        var (dynamicsContact, salesforceContact) = InBothCrms(phone);
        var sid = "CA" + Guid.NewGuid().ToString("N");
        var ringing = await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", status = "ringing", customer = new { phone }, provider = "twilio", providerRef = sid, agent = "maria" }, 201);
        var id = Id(ringing, "interactionId");
        await Until(() => Dynamics("phonecalls", id) is not null && Salesforce(id) is not null, "the call in both CRMs");

        var phonecall = Dynamics("phonecalls", id)!;
        Assert.Equal($"/contacts({dynamicsContact.Id})", phonecall["regardingobjectid_contact@odata.bind"]!.GetValue<string>());
        Assert.False(phonecall["directioncode"]!.GetValue<bool>());
        Assert.Equal(1, phonecall["statecode"]!.GetValue<int>());
        var task = Salesforce(id)!;
        Assert.Equal(salesforceContact.Id, task["WhoId"]!.GetValue<string>());
        Assert.Equal("Call", task["TaskSubtype"]!.GetValue<string>());
        Assert.Equal("Inbound", task["CallType"]!.GetValue<string>());
        Assert.Equal("Completed", task["Status"]!.GetValue<string>());

        // The call ends: the same records get its duration; the conversation's summary follows.
        await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", status = "completed", durationSeconds = 185, customer = new { phone }, provider = "twilio", providerRef = sid }, 200);
        await Until(() => Salesforce(id)?["CallDurationInSeconds"]?.GetValue<long>() == 185, "the duration in Salesforce");
        await Until(() => Dynamics("phonecalls", id)?["actualdurationminutes"]?.GetValue<int>() == 4, "the duration in Dynamics");
        await Api.PostOk($"/api/v1/conversations/{Id(ringing, "conversationId")}/end", new { summary = "Rebooked on the 18:40 flight." });
        await Until(() => Salesforce(id)?["Description"]?.GetValue<string>().Contains("Rebooked on the 18:40") == true
            && Dynamics("phonecalls", id)?["description"]?.GetValue<string>().Contains("Rebooked on the 18:40") == true, "the summary in both CRMs");
        Assert.Equal(1, App.Salesforce.Writes.Count(w => w.Key == id.ToString()));
        Assert.False(App.Salesforce.Activities.ContainsKey("x")); // sanity: keyed by interaction id only

        // The match is remembered as the contact's identifier: the next write goes straight to it.
        var contact = await Api.GetOk($"/api/v1/contacts/{Id(ringing, "contactId")}");
        var identifiers = contact["identifiers"]!.AsArray().Select(i => (i!["provider"]?.GetValue<string>(), i["value"]!.GetValue<string>())).ToList();
        Assert.Contains(("dynamics", dynamicsContact.Id), identifiers);
        Assert.Contains(("salesforce", salesforceContact.Id), identifiers);
    }

    [SkippableFact]
    public async Task Fifty_retries_of_the_same_event_write_one_activity()
    {
        var phone = Customers.Phone();
        InBothCrms(phone);
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Api.PostAsJsonAsync("/api/v1/interactions", new { channel = "sms", direction = "inbound", status = "received", body = "Is my flight on time?", customer = new { phone }, provider = "twilio", providerRef = sid })));
        Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode));
        var id = Id(await answers[0].ReadJsonAsync(), "interactionId");
        await Until(() => Dynamics("tasks", id) is not null && Salesforce(id) is not null, "the SMS in both CRMs");
        await Task.Delay(500);
        Assert.Equal(1, App.Dataverse.Writes[$"tasks:{id}"]);
        Assert.Equal(1, App.Salesforce.Writes[id.ToString()]);
        Assert.Equal("Task", Salesforce(id)!["TaskSubtype"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_crm_that_is_down_gets_everything_afterwards_in_order_and_recording_never_waits()
    {
        var phone = Customers.Phone();
        InBothCrms(phone);
        App.Dataverse.Down = true;
        App.Salesforce.Down = true;
        var downSince = DateTime.UtcNow;
        var (dataverseBefore, salesforceBefore) = (App.Dataverse.Requests, App.Salesforce.Requests);
        var ids = new List<long>();
        for (var n = 0; n < 5; n++)
            ids.Add(Id(await Api.PostOk("/api/v1/interactions", new { channel = "chat", direction = n % 2 == 0 ? "inbound" : "outbound", body = $"message {n}", customer = new { phone } }, 201), "interactionId"));

        await Until(() => App.Dataverse.Requests > dataverseBefore + 3 && App.Salesforce.Requests > salesforceBefore + 3, "retries while down");
        await Until(() => Connector("dynamics").Result["lastError"] is not null, "the error shown");
        var dynamics = await Connector("dynamics");
        Assert.Contains("503", dynamics["lastError"]!.GetValue<string>());
        Assert.True(dynamics["lag"]!.GetValue<long>() > 0);
        Assert.All(ids, id => Assert.Null(Salesforce(id)));
        // Down for a minute, as an outage or a maintenance window would be: the connectors keep trying (backoff capped at 1 s here).
        ids.Add(Id(await Api.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", body = "still there?", customer = new { phone } }, 201), "interactionId"));
        await Task.Delay(TimeSpan.FromSeconds(60) - (DateTime.UtcNow - downSince));
        Assert.All(ids, id => Assert.Null(Dynamics("tasks", id)));

        App.Dataverse.Down = false;
        App.Salesforce.Down = false;
        await Until(() => ids.All(id => Dynamics("tasks", id) is not null && Salesforce(id) is not null), "everything written after the CRMs came back");
        Assert.All(ids, id => Assert.Equal(1, App.Salesforce.Writes[id.ToString()])); // once each, in spite of a minute of retries
        Assert.Equal(ids.Select(id => id.ToString()), App.Salesforce.WriteOrder.Where(w => ids.Contains(long.Parse(w))));        // in the order they happened
        Assert.Equal(ids.Select(id => $"tasks:{id}"), App.Dataverse.WriteOrder.Where(w => ids.Any(id => w == $"tasks:{id}")));
        await Until(() => Connector("dynamics").Result["lastError"] is null, "the error cleared");
    }

    [SkippableFact]
    public async Task Throttling_a_concurrency_clash_and_an_expired_token_are_waited_out_and_retried()
    {
        var phone = Customers.Phone();
        InBothCrms(phone);
        App.Dataverse.Enqueue(429, retryAfter: 1);
        App.Dataverse.Enqueue(412); // a concurrency clash on the record: read again, write again
        App.Salesforce.Enqueue(429);
        App.Dataverse.ExpireTokens();
        App.Salesforce.ExpireTokens();
        var id = Id(await Api.PostOk("/api/v1/interactions", new { channel = "email", direction = "inbound", subject = "Refund", customer = new { phone, email = Customers.Email() } }, 201), "interactionId");
        await Until(() => Dynamics("emails", id) is not null && Salesforce(id) is not null, "the email in both CRMs");
        Assert.Equal("Email", Salesforce(id)!["TaskSubtype"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task An_ambiguous_contact_is_parked_with_its_reason_and_written_once_fixed_and_retried()
    {
        var phone = Customers.Phone();
        var (first, _) = InBothCrms(phone);
        var twin = new FakeCrm.Contact(Guid.NewGuid().ToString(), phone, null, null);
        App.Dataverse.Contacts.Add(twin);
        var id = Id(await Api.PostOk("/api/v1/interactions", new { channel = "whatsapp", direction = "inbound", body = "hello", customer = new { phone } }, 201), "interactionId");
        await Until(() => Salesforce(id) is not null, "Salesforce, which has one match");

        JsonNode? parked = null;
        await Until(() => (parked = Api.GetOk("/api/v1/connectors/dynamics/failures?status=parked").Result.AsArray()
            .FirstOrDefault(f => f!["interactionId"]?.GetValue<long>() == id)) is not null, "the parked failure");
        Assert.Contains("Several Dynamics contacts", parked!["reason"]!.GetValue<string>());
        Assert.Null(Dynamics("tasks", id));
        Assert.True((await Connector("dynamics"))["failures"]!["parked"]!.GetValue<long>() >= 1);

        // The duplicate is resolved in Dynamics (here: the right contact linked in ContactHub), and the failure retried.
        var contactId = (await Api.GetOk($"/api/v1/contacts/lookup?phone={Uri.EscapeDataString(phone)}"))["contact"]!["id"]!.GetValue<long>();
        await Api.PostOk($"/api/v1/contacts/{contactId}/identifiers", new { kind = "external", provider = "dynamics", value = first.Id }, 201);
        await Api.PostOk($"/api/v1/connectors/dynamics/failures/{Id(parked, "id")}/retry", new { }, 202);
        await Until(() => Dynamics("tasks", id) is not null, "the retried write");
        Assert.Equal($"/contacts({first.Id})", Dynamics("tasks", id)!["regardingobjectid_contact@odata.bind"]!.GetValue<string>());
        await Until(() => Api.GetOk("/api/v1/connectors/dynamics/failures?status=resolved").Result.AsArray().Any(f => Id(f!, "id") == Id(parked, "id")), "resolved");

        var bad = await Api.GetAsync("/api/v1/connectors/dynamics/failures?status=lost");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync("/api/v1/connectors/hubspot/failures")).StatusCode);
    }

    [SkippableFact]
    public async Task Erasing_the_contact_removes_what_was_written_in_both_crms_and_says_so_in_the_audit_trail()
    {
        var phone = Customers.Phone();
        InBothCrms(phone);
        var call = await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "outbound", durationSeconds = 30, customer = new { phone } }, 201);
        var sms = await Api.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", body = "call me", customer = new { phone } }, 201);
        var (callId, smsId) = (Id(call, "interactionId"), Id(sms, "interactionId"));
        await Until(() => Dynamics("phonecalls", callId) is not null && Dynamics("tasks", smsId) is not null && Salesforce(callId) is not null && Salesforce(smsId) is not null, "both written");

        (await Api.DeleteAsync($"/api/v1/contacts/{Id(call, "contactId")}")).EnsureSuccessStatusCode();

        await Until(() => Dynamics("phonecalls", callId) is null && Dynamics("tasks", smsId) is null && Salesforce(callId) is null && Salesforce(smsId) is null, "both erased");
        await Until(() => Api.GetOk($"/api/v1/audit?contactId={Id(call, "contactId")}&action=crm.erased").Result.AsArray().Count == 2, "two audit entries");
    }

    [SkippableFact]
    public async Task After_a_merge_later_writes_go_to_the_surviving_contacts_crm_contact()
    {
        var (home, mobile) = (Customers.Phone(), Customers.Phone());
        var (kept, _) = InBothCrms(home);
        InBothCrms(mobile);
        var first = await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone = home } }, 201);
        var second = await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone = mobile } }, 201);
        await Until(() => Dynamics("phonecalls", Id(first, "interactionId")) is not null && Dynamics("phonecalls", Id(second, "interactionId")) is not null, "both calls");

        await Api.PostOk($"/api/v1/contacts/{Id(first, "contactId")}/merge", new { sourceContactId = Id(second, "contactId") });
        var later = Id(await Api.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", body = "from my mobile", customer = new { phone = mobile } }, 201), "interactionId");

        await Until(() => Dynamics("tasks", later) is not null, "the later SMS");
        Assert.Equal($"/contacts({kept.Id})", Dynamics("tasks", later)!["regardingobjectid_contact@odata.bind"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Two_nodes_never_write_the_same_activity_twice()
    {
        await using var sibling = await App.StartSiblingAsync();
        var phones = Enumerable.Range(0, 5).Select(_ => Customers.Phone()).ToList();
        foreach (var phone in phones) InBothCrms(phone);
        var siblingClient = sibling.Client("read", "write");
        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(async n =>
            Id(await (n % 2 == 0 ? siblingClient : Api).PostOk("/api/v1/interactions", new { channel = "chat", direction = "inbound", body = $"chat {n}", customer = new { phone = phones[n % 5] } }, 201), "interactionId")));
        await Until(() => ids.All(id => Dynamics("tasks", id) is not null && Salesforce(id) is not null), "40 chats in both CRMs", seconds: 60);
        await Task.Delay(500);
        Assert.All(ids, id => Assert.Equal(1, App.Dataverse.Writes[$"tasks:{id}"]));
        Assert.All(ids, id => Assert.Equal(1, App.Salesforce.Writes[id.ToString()]));
    }
}
