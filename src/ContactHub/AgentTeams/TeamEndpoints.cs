using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using ContactHub.BusinessHours;
using ContactHub.Contacts;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.AgentTeams;

public static partial class TeamEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record TeamRequest(List<string>? Agents, List<string>? Managers = null, string? Calendar = null);

    public static ApiGroups MapTeams(this ApiGroups api)
    {
        var group = api.Under("/teams", g => g.WithTags("Teams").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/", List).WithName("ListTeams").WithSummary("Teams (or queues): their agents, the managers their reports go to, their calendar.");
        group.Read.MapGet("/{name}", Get).WithName("GetTeam");
        group.Admin.MapPut("/{name}", Put).WithName("PutTeam")
            .WithSummary("Creates or replaces a team: its agents (as interactions name them), its managers' email addresses, optionally its business-hours calendar.")
            .WithRequestExample("""{"agents": ["maria", "joao"], "managers": ["lead.paris@example.com"], "calendar": "paris"}""");
        group.Admin.MapDelete("/{name}", Delete).WithName("DeleteTeam");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<Team>>> List(TeamStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct));

    private static async Task<Results<Ok<Team>, ProblemHttpResult>> Get(string name, TeamStore store, CancellationToken ct) =>
        await store.GetAsync(name, ct) is { } team ? TypedResults.Ok(team) : Problems.NotFound($"There is no team '{name}'.");

    private static async Task<Results<Ok<Team>, Created<Team>, ValidationProblem>> Put(string name, TeamRequest request, TeamStore store, BusinessCalendarStore calendars,
        AuditLog audit, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Name().IsMatch(name)) errors["name"] = ["1 to 100 lower-case letters, digits, '-' or '_'."];
        var agents = (request.Agents ?? []).Select(a => a?.Trim() ?? "").Distinct().ToList();
        if (agents.Count is 0 or > 500 || agents.Any(a => a.Length is 0 or > 100)) errors["agents"] = ["1 to 500 agents, each as interactions name them (1 to 100 characters)."];
        var managers = new List<string>();
        foreach (var (m, i) in (request.Managers ?? []).Select((m, i) => (m, i)))
            if (IdentifierNormalizer.Email(m) is { } email) managers.Add(email);
            else errors[$"managers[{i}]"] = ["An email address."];
        if (request.Calendar is { } calendar && !(await calendars.ListAsync(ct)).Any(c => c.Name == calendar))
            errors["calendar"] = [$"There is no business-hours calendar named '{calendar}'."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var created = await store.SaveAsync(name, agents, managers.Distinct().ToList(), request.Calendar, ct);
        audit.Write(http, created ? "team.create" : "team.update", "team", name);
        var team = (await store.GetAsync(name, ct))!;
        return created ? TypedResults.Created($"/api/v1/teams/{name}", team) : TypedResults.Ok(team);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string name, TeamStore store, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (!await store.DeleteAsync(name, ct)) return Problems.NotFound($"There is no team '{name}'.");
        audit.Write(http, "team.delete", "team", name);
        return TypedResults.NoContent();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,99}$")]
    private static partial Regex Name();
}
