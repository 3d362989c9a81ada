using System.ComponentModel;
using System.Text.Json.Serialization;
using ContactHub.Channels.Email;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

public static class ReportEndpoints
{
    public sealed record ReportInfo(string Name, string Title, string Description, IReadOnlyList<string> Sheets, IReadOnlyList<string> Periods);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record RunRequest(
        [property: Description("First local day of the period (yyyy-MM-dd)")] DateOnly? From,
        [property: Description("Last local day of the period, included (yyyy-MM-dd)")] DateOnly? To,
        [property: Description("IANA time zone of the days, e.g. Europe/Paris (default UTC)")] string? TimeZone = null,
        [property: Description("Email the workbook to these addresses")] IReadOnlyList<string>? Email = null,
        [property: Description("Instead of from and to: previous-day, previous-week, previous-month or month-to-date, as of now in the time zone")] string? Period = null);

    public sealed record RunAccepted(long RunId, string Status, string Location);

    public sealed record RunView(long Id, string Report, long? ScheduleId, string Status, DateOnly? From, DateOnly? To, string? TimeZone, string? RequestedBy,
        IReadOnlyList<string> Recipients, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt, long Attempts, long? Rows, long? Bytes, long? DurationMs,
        string? FileName, string? FileUrl, string? Error)
    {
        public static RunView Of(ReportRunRow r)
        {
            var period = r.PeriodFrom is null || r.PeriodTo is null ? null : r.Period();
            return new(r.Id, r.ReportName, r.ScheduleId, r.Status, period?.FirstDay, period?.LastDay, r.TimeZone, r.RequestedBy, r.RecipientList,
                r.StartedAt, r.FinishedAt, r.Attempts, r.RowCount, r.ByteCount, r.DurationMs, r.FileName,
                r.Status == RunStatus.Succeeded ? $"/api/v1/reports/runs/{r.Id}/file" : null, r.Error);
        }
    }

    public static ApiGroups MapReports(this ApiGroups api)
    {
        var group = api.Under("/reports", g => g.WithTags("Reports").ProducesProblem(404).ProducesValidationProblem());
        group.Read.MapGet("/", List).WithName("ListReports")
            .WithSummary("The report catalogue: each report's name, title, sheets and the periods a schedule can use.");
        group.Write.MapPost("/{name}/runs", Run).WithName("RunReport")
            .WithSummary("Generates a report for whole local days [from, to] (or a named period such as previous-week) in a time zone; 202 with the run to poll. Optionally emails it.")
            .WithRequestExample("""{"from": "2026-10-01", "to": "2026-10-31", "timeZone": "Europe/Paris", "email": ["manager@example.com"]}""");
        group.Read.MapGet("/runs", Runs).WithName("ListReportRuns");
        group.Read.MapGet("/runs/{id:long}", GetRun).WithName("GetReportRun")
            .WithSummary("A run's status (queued, running, succeeded, failed, or skipped when its schedule's sendWhen did not hold), rows, bytes, duration, attempts and error (or why it was not sent).");
        group.Read.MapGet("/runs/{id:long}/file", File).WithName("DownloadReportRun")
            .WithSummary("The workbook of a succeeded run (.xlsx).");
        return api;
    }

    private static Ok<IReadOnlyList<ReportInfo>> List(ReportCatalogue catalogue) =>
        TypedResults.Ok<IReadOnlyList<ReportInfo>>(catalogue.All.OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => new ReportInfo(r.Name, r.Title, r.Description, r.Sheets.Select(s => s.Name).ToList(), ReportPeriod.Kinds)).ToList());

    private static async Task<Results<Accepted<RunAccepted>, ProblemHttpResult, ValidationProblem>> Run(string name, RunRequest request, ReportCatalogue catalogue,
        ReportRunStore runs, ReportScheduler scheduler, IOptions<EmailOptions> email, TimeProvider clock, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (catalogue.Find(name) is null) return Problems.NotFound($"There is no report named {name} (GET /api/v1/reports lists them).");
        var errors = new Dictionary<string, string[]>();
        var zoneId = request.TimeZone ?? "UTC";
        if (!LocalTimes.TryFindZone(zoneId, out var zone)) errors["timeZone"] = ["An IANA time zone such as Europe/Paris."];
        if (request.Period is { } kind)
        {
            // A named period, as a schedule firing now would cover it (the catalogue lists them).
            if (!ReportPeriod.Kinds.Contains(kind)) errors["period"] = [$"One of {string.Join(", ", ReportPeriod.Kinds)}."];
            else if (request.From is not null || request.To is not null) errors["period"] = ["Give a period or from and to, not both."];
            else
            {
                var named = ReportPeriod.ForFiring(kind, clock.GetUtcNow(), zone);
                request = request with { From = named.FirstDay, To = named.LastDay };
            }
        }
        else
        {
            if (request.From is null) errors["from"] = ["The first day, yyyy-MM-dd (or a period such as previous-week)."];
            if (request.To is null) errors["to"] = ["The last day (included), yyyy-MM-dd (or a period such as previous-week)."];
        }
        if (request.From > request.To) errors["to"] = ["Must not be before from."];
        else if (request.From is { } f && request.To is { } t && t.DayNumber - f.DayNumber + 1 > ReportPeriod.MaxDays) errors["to"] = [$"A period covers at most {ReportPeriod.MaxDays} days."];
        var recipients = request.Email?.Select(e => e?.Trim() ?? "").ToList() ?? [];
        if (recipients.Count > 50) errors["email"] = [$"Up to 50 email addresses ({recipients.Count} given)."];
        else if (recipients.FirstOrDefault(e => !System.Net.Mail.MailAddress.TryCreate(e, out var a) || a.Address != e) is { } bad)
            errors["email"] = [$"'{bad}' is not an email address."];
        else if (recipients.Count > 0 && !email.Value.Enabled)
            errors["email"] = [$"{EmailOptions.NotConfigured} Leave email out and download the workbook from the run."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var period = new ReportPeriod(request.From!.Value, request.To!.Value, zone);
        var (id, _) = await runs.QueueAsync(name, period, AuditLog.Actor(http.User), recipients, ct: ct);
        await scheduler.QueueRunAsync(id, ct);
        audit.Write(http, "report.run", "report", name, details: $"run {id}, {period.Label} ({zone.Id}), {recipients.Count} recipient(s)");
        var location = $"/api/v1/reports/runs/{id}";
        return TypedResults.Accepted(location, new RunAccepted(id, RunStatus.Queued, location));
    }

    private static async Task<Ok<IReadOnlyList<RunView>>> Runs(ReportRunStore runs, CancellationToken ct, string? report = null, long? scheduleId = null, int? limit = 100) =>
        TypedResults.Ok<IReadOnlyList<RunView>>((await runs.ListAsync(report, scheduleId, Math.Clamp(limit ?? 100, 1, 1000), ct)).Select(RunView.Of).ToList());

    private static async Task<Results<Ok<RunView>, ProblemHttpResult>> GetRun(long id, ReportRunStore runs, CancellationToken ct) =>
        await runs.GetAsync(id, ct) is { } run ? TypedResults.Ok(RunView.Of(run)) : Problems.NotFound($"Report run {id} does not exist.");

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> File(long id, ReportRunStore runs, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (await runs.FileAsync(id, ct) is not { } file)
            return await runs.GetAsync(id, ct) is { } run
                ? TypedResults.Problem($"Report run {id} is {run.Status}; its file exists once it has succeeded.", statusCode: 409, title: "Not ready")
                : Problems.NotFound($"Report run {id} does not exist.");
        audit.Write(http, "report.download", "report-run", id);
        return TypedResults.File(file.Content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file.FileName);
    }
}
