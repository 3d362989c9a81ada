using System.Net.Http.Json;
using ContactHub.Security;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Hosting;

/// <summary>
/// A body that changes what exists names a field it does not know instead of answering 200 and changing nothing: a campaign
/// owner's misspelt <c>{"pasued": true}</c> left the campaign sending.
/// </summary>
public sealed class UnknownFieldTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    // The contact's attribute values are a map whose keys the attribute schema checks, not fields.
    private HttpClient Client => app.Client([.. Scopes.All]);

    private static readonly string[] FreeMaps = ["/api/v1/contacts/{id}/attributes"];

    [Fact]
    public async Task Every_patch_and_put_refuses_a_misspelt_field_and_names_it()
    {
        var document = await app.Anonymous().GetOk("/openapi/v1.json");
        var checkedRoutes = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal) || FreeMaps.Contains(path)) continue;
            foreach (var (method, _) in item!.AsObject())
            {
                if (method is not ("patch" or "put")) continue;
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
        Assert.True(checkedRoutes >= 12, $"only {checkedRoutes} routes checked");
    }

    [Fact]
    public async Task A_campaign_patch_with_a_misspelt_field_changes_nothing_and_lists_the_fields()
    {
        var created = await Client.PostOk("/api/v1/campaigns",
            new { name = "Missed calls", trigger = "missed-call-not-returned", channel = "sms", body = "We missed your call." }, 201);
        var id = created["id"]!.GetValue<long>();

        var problem = await (await Client.PatchAsJsonAsync($"/api/v1/campaigns/{id}", new { pasued = true })).Expect(400);
        var said = problem["errors"]!["pasued"]![0]!.GetValue<string>();
        Assert.Contains("paused", said);
        Assert.Equal(created["updatedAt"]!.GetValue<string>(), (await Client.GetOk($"/api/v1/campaigns/{id}"))["updatedAt"]!.GetValue<string>());

        // Field names are read as the API reads them, whatever their case.
        var paused = await (await Client.PatchAsJsonAsync($"/api/v1/campaigns/{id}", new { Paused = true })).Expect(200);
        Assert.True(paused["paused"]!.GetValue<bool>());
    }
}
