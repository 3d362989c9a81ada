using System.ComponentModel;
using System.Text.Json.Serialization;
using ContactHub.AgentTeams;
using ContactHub.Channels;
using ContactHub.Channels.Email;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

public static class ReportScheduleEndpoints
{
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record ScheduleRequest(
        [property: Description("A name to find it by (unique)")] string? Name,
        [property: Description("The report's name in the catalogue")] string? Report,
        [property: Description("Quartz cron, seconds first: \"0 0 7 * * ?\" is 07:00 every day")] string? Cron,
        [property: Description("IANA time zone of the cron and the period, e.g. Europe/Paris")] string? TimeZone = "UTC",
        [property: Description("previous-day, previous-week, previous-month or month-to-date")] string? Period = ReportPeriod.PreviousDay,
        IReadOnlyList<string>? Recipients = null,
        bool? Enabled = true,
        [property: Description("Send only when this holds for the period: \"missed_calls > 20\" (a headline figure of the report) or \"service level below target\"")]
        string? SendWhen = null,
        [property: Description("Cover only part of the centre: a team's agents, agents, channels, wrap-up codes")] ScheduleScope? Scope = null,
        [property: Description("Send each recipient (a team's manager) the report of their own team only")] bool? PerRecipientTeam = null);

    public static ApiGroups MapReportSchedules(this ApiGroups api)
    {
        var group = api.Under("/report-schedules", g => g.WithTags("Reports").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/", List).WithName("ListReportSchedules");
        group.Read.MapGet("/{id:long}", Get).WithName("GetReportSchedule")
            .WithSummary("A schedule; \"paused\": true with \"pausedReason\" once its runs failed Reports:PauseAfterFailedRuns times in a row.");
        group.Admin.MapPost("/", Create).WithName("CreateReportSchedule")
            .WithSummary("Emails a report on a cron schedule, in a time zone, covering the period before each firing.")
            .WithRequestExample("""
                {"name": "daily-activity", "report": "activity-summary", "cron": "0 0 7 * * ?", "timeZone": "Europe/Paris",
                 "period": "previous-day", "recipients": ["manager@example.com"], "sendWhen": "missed_calls > 20"}
                """);
        group.Admin.MapPut("/{id:long}", Update).WithName("UpdateReportSchedule");
        group.Admin.MapDelete("/{id:long}", Delete).WithName("DeleteReportSchedule");
        group.Admin.MapPost("/{id:long}/resume", Resume).WithName("ResumeReportSchedule")
            .WithSummary("Resumes a paused schedule and clears its failure count.");
        group.Admin.MapPost("/{id:long}/run", RunNow).WithName("RunReportScheduleNow")
            .WithSummary("Runs the schedule now for the period as of now (a test send): 202 with the run's id; 409 when the schedule is paused (resume it first).");
        group.Read.MapGet("/{id:long}/runs", Runs).WithName("ListReportScheduleRuns");
        group.Read.MapGet("/{id:long}/deliveries", Deliveries).WithName("ListReportScheduleDeliveries")
            .WithSummary("Each firing's deliveries, newest first: who got it when, who did not and why, and the firings a sendWhen kept from sending.");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ReportSchedule>>> List(ReportScheduleStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(ct));

    private static async Task<Results<Ok<ReportSchedule>, ProblemHttpResult>> Get(long id, ReportScheduleStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } s ? TypedResults.Ok(s) : NotFound(id);

    private static async Task<Results<Created<ReportSchedule>, ValidationProblem>> Create(ScheduleRequest request, ReportScheduleStore store,
        ReportScheduler scheduler, ReportCatalogue catalogue, IOptions<ReportsOptions> options, IOptions<EmailOptions> email, TimeProvider clock, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        var (input, errors) = await ValidateAsync(request, null, store, catalogue, options, clock, ct, http.RequestServices.GetRequiredService<TeamStore>(), email.Value.Enabled);
        if (input is null) return TypedResults.ValidationProblem(errors);
        var id = await store.CreateAsync(input, "api", AuditLog.Actor(http.User), ct);
        var schedule = (await store.GetAsync(id, ct))!;
        await scheduler.SyncAsync(schedule, ct);
        audit.Write(http, "report-schedule.create", "report-schedule", id, details: $"{input.Report} {input.Cron} {input.TimeZone}");
        return TypedResults.Created($"/api/v1/report-schedules/{id}", schedule);
    }

    private static async Task<Results<Ok<ReportSchedule>, ProblemHttpResult, ValidationProblem>> Update(long id, ScheduleRequest request, ReportScheduleStore store,
        ReportScheduler scheduler, ReportCatalogue catalogue, IOptions<ReportsOptions> options, IOptions<EmailOptions> email, TimeProvider clock, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null) return NotFound(id);
        var (input, errors) = await ValidateAsync(request, id, store, catalogue, options, clock, ct, http.RequestServices.GetRequiredService<TeamStore>(), email.Value.Enabled);
        if (input is null) return TypedResults.ValidationProblem(errors);
        if (!await store.UpdateAsync(id, input, ct)) return NotFound(id);
        var schedule = (await store.GetAsync(id, ct))!;
        await scheduler.SyncAsync(schedule, ct);
        audit.Write(http, "report-schedule.update", "report-schedule", id, details: $"{input.Report} {input.Cron} {input.TimeZone}");
        return TypedResults.Ok(schedule);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(long id, ReportScheduleStore store, ReportScheduler scheduler, AuditLog audit,
        HttpContext http, CancellationToken ct)
    {
        if (!await store.DeleteAsync(id, ct)) return NotFound(id);
        await scheduler.UnscheduleAsync(id, ct);
        audit.Write(http, "report-schedule.delete", "report-schedule", id);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ReportSchedule>, ProblemHttpResult>> Resume(long id, ReportScheduleStore store, ReportScheduler scheduler, AuditLog audit,
        HttpContext http, CancellationToken ct)
    {
        if (!await store.ResumeAsync(id, ct)) return NotFound(id);
        var schedule = (await store.GetAsync(id, ct))!;
        await scheduler.SyncAsync(schedule, ct);
        audit.Write(http, "report-schedule.resume", "report-schedule", id);
        return TypedResults.Ok(schedule);
    }

    private static async Task<Results<Accepted<ReportEndpoints.RunAccepted>, ProblemHttpResult>> RunNow(long id, ReportScheduleStore store, ReportRunStore runs,
        ReportScheduler scheduler, TimeProvider clock, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } schedule) return NotFound(id);
        if (schedule.Paused)
            return TypedResults.Problem($"Schedule {id} is paused ({schedule.PausedReason}); resume it with POST /api/v1/report-schedules/{id}/resume, then run it.",
                statusCode: 409, title: "Schedule paused");
        if (!LocalTimes.TryFindZone(schedule.TimeZone, out var zone)) return NotFound(id);
        var period = ReportPeriod.ForFiring(schedule.Period, clock.GetUtcNow(), zone);
        var (runId, _) = await runs.QueueAsync(schedule.Report, period, $"schedule:{schedule.Name ?? id.ToString()}", schedule.Recipients, id, ct: ct);
        await scheduler.QueueRunAsync(runId, ct);
        audit.Write(http, "report-schedule.run", "report-schedule", id, details: $"run {runId}");
        var location = $"/api/v1/reports/runs/{runId}";
        return TypedResults.Accepted(location, new ReportEndpoints.RunAccepted(runId, RunStatus.Queued, location));
    }

    private static async Task<Results<Ok<IReadOnlyList<ReportEndpoints.RunView>>, ProblemHttpResult>> Runs(long id, ReportScheduleStore store, ReportRunStore runs,
        CancellationToken ct, int? limit = 100) =>
        await store.GetAsync(id, ct) is null
            ? NotFound(id)
            : TypedResults.Ok<IReadOnlyList<ReportEndpoints.RunView>>((await runs.ListAsync(null, id, Math.Clamp(limit ?? 100, 1, 1000), ct)).Select(ReportEndpoints.RunView.Of).ToList());

    private static async Task<Results<Ok<IReadOnlyList<ScheduleDelivery>>, ProblemHttpResult>> Deliveries(long id, ReportScheduleStore store, ReportDeliveryStore deliveries,
        CancellationToken ct, int limit = 200) =>
        await store.GetAsync(id, ct) is null ? NotFound(id) : TypedResults.Ok(await deliveries.OfScheduleAsync(id, Math.Clamp(limit, 1, 2000), ct));

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound($"Report schedule {id} does not exist.");

    private static async Task<(ScheduleInput? Input, Dictionary<string, string[]> Errors)> ValidateAsync(ScheduleRequest r, long? id, ReportScheduleStore store,
        ReportCatalogue catalogue, IOptions<ReportsOptions> options, TimeProvider clock, CancellationToken ct, TeamStore? teams = null, bool canEmail = true)
    {
        var recipients = r.Recipients?.Select(e => e?.Trim() ?? "").ToList();
        var errors = ScheduleRules.Check(r.Report, r.Cron, r.TimeZone, r.Period, recipients, options.Value.MinimumScheduleInterval, clock.GetUtcNow(),
                options.Value.DestinationRecipients)
            .GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => $"{g.Key} {e.Message}").ToArray());
        if (!errors.ContainsKey("report") && catalogue.Find(r.Report) is null) errors["report"] = [$"report: there is no report named {r.Report} (GET /api/v1/reports)."];
        var name = string.IsNullOrWhiteSpace(r.Name) ? null : r.Name.Trim();
        if (name?.Length > 200) errors["name"] = ["name: at most 200 characters."];
        else if (name is not null && await store.FindByNameAsync(name, ct) is { } other && other.Id != id) errors["name"] = [$"name: another schedule ({other.Id}) is called {name}."];
        var sendWhen = string.IsNullOrWhiteSpace(r.SendWhen) ? null : r.SendWhen.Trim();
        if (sendWhen is not null && catalogue.Find(r.Report) is { } report && SendCondition.Parse(sendWhen, report).Error is { } conditionError)
            errors["sendWhen"] = [$"sendWhen: {conditionError}"];
        var scope = r.Scope is { IsEmpty: false } given ? given with
        {
            Agents = given.Agents?.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct().ToList(),
            Channels = given.Channels?.Select(c => c.Trim().ToLowerInvariant()).Distinct().ToList(),
            WrapUpCodes = given.WrapUpCodes?.Select(c => c.Trim()).Distinct().ToList(),
        } : null;
        var perTeam = r.PerRecipientTeam ?? false;
        if ((scope is not null || perTeam) && catalogue.Find(r.Report) is { } scoped && !ReportScope.CanScope(scoped))
            errors["scope"] = [$"scope: {scoped.Name} cannot be narrowed to part of the centre (its queries have no {{SCOPE:…}}); these can: {string.Join(", ", catalogue.All.Where(ReportScope.CanScope).Select(r => r.Name))}."];
        if (scope?.Channels?.FirstOrDefault(c => !Channel.All.Contains(c)) is { } channel) errors["scope.channels"] = [$"scope.channels: '{channel}' is not one of {string.Join(", ", Channel.All)}."];
        if (scope?.Agents is { Count: 0 } || scope?.Channels is { Count: 0 } || scope?.WrapUpCodes is { Count: 0 }) errors["scope"] = ["scope: leave a list out rather than give it empty."];
        var allTeams = teams is null ? [] : await teams.ListAsync(ct);
        if (scope?.Team is { } team && allTeams.All(t => t.Name != team)) errors["scope.team"] = [$"scope.team: there is no team '{team}' (PUT /api/v1/teams/{team})."];
        if (perTeam && recipients?.FirstOrDefault(to => !allTeams.Any(t => t.Managers.Contains(to, StringComparer.OrdinalIgnoreCase))) is { } stranger)
            errors["recipients"] = [$"recipients: with perRecipientTeam each recipient is a team's manager; {stranger} manages no team (PUT /api/v1/teams/{{name}} with \"managers\")."];
        // A schedule that could never deliver: its every run would fail with this, found out the first morning.
        if (!canEmail && !errors.ContainsKey("recipients") && recipients is not null && ScheduleRules.FirstEmail(recipients) is var inbox and >= 0)
            errors["recipients"] = [$"recipients: {EmailOptions.NotConfigured} {recipients[inbox]} cannot be sent the report. {ScheduleRules.EmailNeeded}"];
        if (errors.Count > 0) return (null, errors);
        return (new ScheduleInput(name, r.Report!, r.Cron!.Trim(), r.TimeZone!, r.Period!, recipients!, r.Enabled ?? true, sendWhen, scope, perTeam), errors);
    }
}
