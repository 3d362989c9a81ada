using System.Net.Http.Json;
using ContactHub.Security;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Hosting;

/// <summary>
/// A body names a field it does not know instead of answering 200 and ignoring it: a campaign owner's misspelt
/// <c>{"pasued": true}</c> left the campaign sending. What records activity (interactions, webhooks) keeps ignoring what it does not use.
/// </summary>
public sealed class UnknownFieldTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private HttpClient Client => app.Client([.. Scopes.All]);

    // The contact's attribute values are a map whose keys the attribute schema checks, not fields; interactions come from systems
    // that send what they have.
    private static readonly string[] Lenient = ["/api/v1/contacts/{id}/attributes", "/api/v1/interactions", "/api/v1/interactions/batch"];

    [Fact]
    public async Task Every_route_with_a_body_refuses_a_misspelt_field_and_names_it()
    {
        var document = await app.Anonymous().GetOk("/openapi/v1.json");
        var checkedRoutes = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal) || Lenient.Contains(path)) continue;
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation!["requestBody"] is null) continue;
                var concrete = System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", "1");
                var response = await Client.SendAsync(
                    new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), concrete) { Content = JsonContent.Create(new { pasued = true }) });
                var problem = await response.Expect(400);
                var said = problem["errors"]?["pasued"]?[0]?.GetValue<string>();
                Assert.True(said?.StartsWith("Not a field of this request; its fields are ", StringComparison.Ordinal) == true,
                    $"{method.ToUpperInvariant()} {path} answered {problem.ToJsonString()}");
                checkedRoutes++;
            }
        }
        Assert.True(checkedRoutes >= 30, $"only {checkedRoutes} routes checked");
    }

    [Fact]
    public async Task A_campaign_patch_with_a_misspelt_field_changes_nothing_and_lists_the_fields()
    {
        var created = await Client.PostOk("/api/v1/campaigns",
            new { name = "Missed calls", trigger = "missed-call-not-returned", action = "follow-up" }, 201);
        var id = created["id"]!.GetValue<long>();

        var problem = await (await Client.PatchAsJsonAsync($"/api/v1/campaigns/{id}", new { pasued = true })).Expect(400);
        var said = problem["errors"]!["pasued"]![0]!.GetValue<string>();
        Assert.Contains("paused", said);
        Assert.Equal(created["updatedAt"]!.GetValue<string>(), (await Client.GetOk($"/api/v1/campaigns/{id}"))["updatedAt"]!.GetValue<string>());

        // Field names are read as the API reads them, whatever their case.
        var paused = await (await Client.PatchAsJsonAsync($"/api/v1/campaigns/{id}", new { Paused = true })).Expect(200);
        Assert.True(paused["paused"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_misspelt_field_inside_a_list_is_named_where_it_is()
    {
        var problem = await (await Client.PostAsJsonAsync("/api/v1/conversations/1/messages", new
        {
            channel = "email", to = "a@example.com", subject = "Booking", body = "Here it is.",
            attachments = new[] { new { fileNmae = "booking.pdf", contentType = "application/pdf", contentBase64 = "JVBERg==" } },
        })).Expect(400);
        var said = problem["errors"]!["attachments[0].fileNmae"]![0]!.GetValue<string>();
        Assert.Equal("Not a field of this request; its fields are fileName, contentType, contentBase64.", said);

        // A name the JSON path writes in brackets is still a field.
        var odd = await (await Client.PostAsJsonAsync("/api/v1/follow-ups", new Dictionary<string, object> { ["contactId"] = 1, ["title"] = "Call back", ["due.at"] = "2026-12-01" })).Expect(400);
        Assert.StartsWith("Not a field of this request", odd["errors"]!["['due.at']"]![0]!.GetValue<string>());
    }
}
