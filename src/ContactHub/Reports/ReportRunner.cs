using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Text;
using ContactHub.Channels.Email;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

/// <summary>
/// Carries out one run: queries, workbook, file under Reports:OutputPath, email to the recipients. A failed attempt
/// is tried again after Reports:RetryDelay, up to Reports:MaxAttempts; the run then fails with its last error.
/// </summary>
public sealed class ReportRunner(ReportCatalogue catalogue, ReportQueries queries, ReportRunStore runs, ReportDeliveryStore deliveries, IEmailTransport email,
    ReportScheduleStore schedules, ServiceLevels serviceLevels, IEnumerable<IReportDestination> destinations, ContactHub.AgentTeams.TeamStore teams,
    IOptions<ReportsOptions> options, IOptions<EmailOptions> emailOptions, IHostEnvironment environment, TimeProvider clock, ILogger<ReportRunner> logger)
{
    /// <summary>True when the run succeeded (now or before).</summary>
    public async Task<bool> RunAsync(long runId, CancellationToken ct = default)
    {
        var max = options.Value.MaxAttempts;
        while (true)
        {
            var run = await runs.GetAsync(runId, ct);
            if (run is null || run.Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Skipped)
                return run?.Status is RunStatus.Succeeded or RunStatus.Skipped;
            if (!await runs.StartAttemptAsync(runId, ct)) continue;
            var attempt = run.Attempts + 1;
            try
            {
                await AttemptAsync(run, ct);
                return true;
            }
            catch (Exception ex) when (ex is ReportRunException or DbException or IOException or TimeoutException or InvalidOperationException)
            {
                var error = ex.Message;
                ReportLog.AttemptFailed(logger, runId, run.ReportName, attempt, max, error);
                var final = attempt >= max || ex is ReportRunException { Permanent: true };
                await runs.AttemptFailedAsync(runId, error, final, CancellationToken.None);
                if (final) return false;
                await Task.Delay(options.Value.RetryDelay, clock, ct);
            }
        }
    }

    private async Task AttemptAsync(ReportRunRow run, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var report = catalogue.Find(run.ReportName) ?? throw new ReportRunException($"The report {run.ReportName} is no longer in the catalogue.", permanent: true);
        var period = run.Period();
        var schedule = run.ScheduleId is { } scheduleId ? await schedules.GetAsync(scheduleId, ct) : null;
        var scope = await ScopeAsync(schedule?.Scope, null, ct);
        var data = await queries.CollectAsync(report, period, ct: ct, scope: scope);
        var charts = ReportChartImage.RenderAll(data);
        var content = ReportWorkbook.Build(data, ExportLink(period), charts);
        var fileName = $"{report.Name}_{period.FirstDay:yyyy-MM-dd}_{period.LastDay:yyyy-MM-dd}_{run.Id}.xlsx";
        var folder = Path.GetFullPath(Path.Combine(options.Value.OutputPath, report.Name), environment.ContentRootPath);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, fileName), content, ct);

        // A conditional schedule sends only when its condition holds; otherwise the workbook is kept and the run says why.
        if (schedule is { SendWhen: { } when } && SendCondition.Parse(when, report).Condition is { } condition)
        {
            var levels = condition.OnServiceLevels ? await serviceLevels.ComputeAsync(period.From, period.To, ct) : [];
            var (holds, why) = condition.Evaluate(data, levels);
            if (!holds)
            {
                await runs.SkippedAsync(run.Id, $"Not sent: \"{condition.Text}\" did not hold ({why}).", data.RowCount, fileName, content, watch.ElapsedMilliseconds, CancellationToken.None);
                return;
            }
        }
        if (run.RecipientList.Count > 0)
        {
            if (schedule is { PerRecipientTeam: true }) await SendPerTeamAsync(run, report, period, schedule, ct);
            else await SendAsync(run, data, charts, fileName, content, ct);
        }
        await runs.SucceededAsync(run.Id, data.RowCount, fileName, content, watch.ElapsedMilliseconds, CancellationToken.None);
        ReportLog.Succeeded(logger, run.Id, report.Name, data.RowCount, content.Length, watch.ElapsedMilliseconds);
    }

    /// <summary>
    /// The part of the centre a workbook covers: the schedule's scope (a team's agents, agents, channels, wrap-up codes), narrowed to
    /// a recipient's own team when the schedule sends each manager their team. Null for the whole centre.
    /// </summary>
    private async Task<ReportScope?> ScopeAsync(ScheduleScope? scope, ContactHub.AgentTeams.Team? own, CancellationToken ct)
    {
        if (scope is null && own is null) return null;
        IReadOnlyList<string>? agents = scope?.Agents;
        var labels = new List<string>();
        foreach (var team in new[] { scope?.Team is { } name ? await teams.GetAsync(name, ct) ?? new ContactHub.AgentTeams.Team(name, [], [], null, default) : null, own }.OfType<ContactHub.AgentTeams.Team>().DistinctBy(t => t.Name))
        {
            agents = agents is null ? team.Agents : agents.Intersect(team.Agents).ToList();
            labels.Add($"team {team.Name}");
        }
        if (scope?.Agents is { } named) labels.Add($"agents {string.Join(", ", named)}");
        if (scope?.Channels is { } channels) labels.Add($"channels {string.Join(", ", channels)}");
        if (scope?.WrapUpCodes is { } codes) labels.Add($"wrap-up {string.Join(", ", codes)}");
        return new ReportScope(string.Join("; ", labels), agents, scope?.Channels, scope?.WrapUpCodes);
    }

    /// <summary>Each manager gets the workbook of their own team (the first they manage); a recipient who manages none is told so in the deliveries.</summary>
    private async Task SendPerTeamAsync(ReportRunRow run, ReportDefinition report, ReportPeriod period, ReportSchedule schedule, CancellationToken ct)
    {
        var pending = await deliveries.PlanAsync(run.Id, run.RecipientList, ct);
        var link = Link($"/api/v1/reports/runs/{run.Id}/file");
        var groups = new Dictionary<string, (ContactHub.AgentTeams.Team Team, List<string> To)>();
        var all = await teams.ListAsync(ct); // once, not per recipient
        foreach (var to in pending)
        {
            if (all.FirstOrDefault(t => t.Managers.Contains(to, StringComparer.OrdinalIgnoreCase)) is { } team)
                (groups.TryGetValue(team.Name, out var g) ? g : groups[team.Name] = (team, [])).To.Add(to);
            else
                await deliveries.FailedAsync(run.Id, to, "manages no team: with perRecipientTeam each recipient gets their own team's report", CancellationToken.None);
        }
        foreach (var (team, to) in groups.Values)
        {
            var data = await queries.CollectAsync(report, period, ct: ct, scope: await ScopeAsync(schedule.Scope, team, ct));
            var charts = ReportChartImage.RenderAll(data);
            var content = ReportWorkbook.Build(data, ExportLink(period), charts);
            var fileName = $"{report.Name}_{team.Name}_{period.FirstDay:yyyy-MM-dd}_{period.LastDay:yyyy-MM-dd}.xlsx";
            if (await EmailAsync(run, data, charts, fileName, content, to, link, ct) is { } failure)
                throw new ReportRunException($"The email could not be sent: {failure}", permanent: false);
        }
    }

    /// <summary>
    /// Emails the recipients not yet marked as sent (see <see cref="ReportDeliveryStore"/>), one message and one connection
    /// each, marking each as soon as the server accepts it: a crash between two recipients leaves the rest to the recovered run.
    /// </summary>
    private async Task SendAsync(ReportRunRow run, ReportData data, IReadOnlyList<byte[]> charts, string fileName, byte[] content, CancellationToken ct)
    {
        // SharePoint first (Teams then links to its copy), then Teams, then the inboxes; each recorded as delivered once.
        var pending = (await deliveries.PlanAsync(run.Id, run.RecipientList, ct))
            .OrderBy(r => r.StartsWith("sharepoint:", StringComparison.Ordinal) ? 0 : r.StartsWith("teams:", StringComparison.Ordinal) ? 1 : 2).ToList();
        var link = Link($"/api/v1/reports/runs/{run.Id}/file");
        string? failure = null;
        foreach (var to in pending.Where(r => r.Contains(':')))
        {
            var (kind, name) = (to[..to.IndexOf(':')], to[(to.IndexOf(':') + 1)..]);
            var result = options.Value.Destinations.TryGetValue(name, out var destination) && destination.Type.ToString().Equals(kind, StringComparison.OrdinalIgnoreCase)
                && destinations.FirstOrDefault(d => d.Type == destination.Type) is { } sender
                ? await sender.DeliverAsync(destination, data, $"{data.Report.Name}_{data.Period.FirstDay:yyyy-MM-dd}_{data.Period.LastDay:yyyy-MM-dd}.xlsx", content,
                    await SharedLinkAsync(run.Id, ct) ?? link, ct)
                : new DestinationResult(false, Error: $"{to} is no longer configured (Reports:Destinations)", Permanent: true);
            if (result.Delivered)
                await deliveries.SentAsync(run.Id, to, result.Reference ?? "delivered", CancellationToken.None);
            else
            {
                await deliveries.FailedAsync(run.Id, to, result.Error ?? "not delivered", CancellationToken.None);
                failure ??= $"{to}: {result.Error}";
                if (!result.Permanent) throw new ReportRunException($"The report could not be delivered: {failure}", permanent: false);
            }
        }
        var inboxes = pending.Where(r => !r.Contains(':')).ToList();
        if (inboxes.Count > 0 && await EmailAsync(run, data, charts, fileName, content, inboxes, link, ct) is { } emailFailure)
            throw new ReportRunException($"The email could not be sent: {emailFailure}", permanent: false);
        if (failure is not null) // only refusals are left (a destination removed, access denied): trying again will not help
            throw new ReportRunException($"The report could not be delivered: {failure}", permanent: true);
    }

    /// <summary>The SharePoint copy's address when this run uploaded one: what a Teams post links to.</summary>
    private async Task<string?> SharedLinkAsync(long runId, CancellationToken ct) =>
        (await deliveries.ListAsync(runId, ct)).FirstOrDefault(d => d.Recipient.StartsWith("sharepoint:", StringComparison.Ordinal) && d.Status == "sent")?.MessageId
            is { } url && url.StartsWith("http", StringComparison.Ordinal) ? url : null;

    /// <summary>Emails the inboxes still to be sent to; the first failure, or null.</summary>
    private async Task<string?> EmailAsync(ReportRunRow run, ReportData data, IReadOnlyList<byte[]> charts, string fileName, byte[] content, IReadOnlyList<string> inboxes,
        string link, CancellationToken ct)
    {
        if (!emailOptions.Value.Enabled) throw new ReportRunException("Email is not configured (Email:FromAddress), so the report cannot be sent.", permanent: true);
        var attach = content.Length <= Math.Min(options.Value.MaxAttachmentBytes, emailOptions.Value.MaxAttachmentBytes);
        var subject = $"{data.Report.Title} — {data.Period.Label}" + (data.Scope is { } scope ? $" ({scope.Label})" : "");
        var (text, html) = Body(data, charts.Count, attach, link);
        var domain = emailOptions.Value.MessageIdDomain ?? emailOptions.Value.FromAddress!.Split('@')[^1];
        List<EmailAttachment> attachments = [];
        for (var n = 0; n < charts.Count; n++)
            attachments.Add(new EmailAttachment(n == 0 ? "chart.png" : $"chart-{n + 1}.png", "image/png", charts[n], ContentId: $"chart{(n == 0 ? "" : n + 1)}-{run.Id}@{domain}"));
        if (attach) attachments.Add(new EmailAttachment(fileName, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", content));
        var body = html;
        for (var n = charts.Count; n >= 1; n--) // chart2 before chart, or "cid:chart" would match both
            body = body.Replace($"cid:chart{(n == 1 ? "" : n)}\"", $"cid:chart{(n == 1 ? "" : n)}-{run.Id}@{domain}\"");
        string? failure = null;
        foreach (var to in inboxes)
        {
            var message = new OutgoingEmail(to, subject, text, body, EmailComposer.NewMessageId(domain), Attachments: attachments);
            var result = (await email.SendAsync([message], ct)).Single();
            if (result.Sent)
                await deliveries.SentAsync(run.Id, to, message.MessageId, CancellationToken.None);
            else
            {
                await deliveries.FailedAsync(run.Id, to, result.Error ?? "not sent", CancellationToken.None);
                failure ??= result.Error ?? "not sent";
                if (!result.Permanent) break; // the server is unreachable or busy: the next attempt tries the rest
            }
        }
        return failure;
    }

    private static (string Text, string Html) Body(ReportData data, int charts, bool attached, string link)
    {
        var zone = data.Period.TimeZone;
        var text = new StringBuilder($"{data.Report.Title} — {data.Period.Label} ({zone.Id})\n\n");
        var html = new StringBuilder($"<h2>{WebUtility.HtmlEncode(data.Report.Title)}</h2><p>{WebUtility.HtmlEncode(data.Period.Label)} ({WebUtility.HtmlEncode(zone.Id)})</p>");
        if (data.IsEmpty)
        {
            text.Append("No activity in this period.\n");
            html.Append("<p><em>No activity in this period.</em></p>");
        }
        html.Append("<table cellpadding=\"4\" style=\"border-collapse:collapse\">");
        var compared = data.PreviousHeadlines.Count == data.Headlines.Count;
        for (var n = 0; n < data.Headlines.Count; n++)
        {
            var (column, value) = data.Headlines[n];
            var shown = CellValues.Display(value, column.Format, zone);
            var change = compared ? Comparison.Of(column, value, data.PreviousHeadlines[n], zone) : null;
            var before = compared ? $" ({change!.Text} vs {CellValues.Display(data.PreviousHeadlines[n], column.Format, zone)})" : "";
            var colour = change?.Good switch { true => "#067647", false => "#B42318", _ => "#667085" };
            text.Append($"{column.Header}: {shown}{before}\n");
            html.Append($"<tr><td>{WebUtility.HtmlEncode(column.Header)}</td><td style=\"text-align:right\"><strong>{WebUtility.HtmlEncode(shown)}</strong></td>"
                + (compared ? $"<td style=\"color:{colour}\">{WebUtility.HtmlEncode(before.Trim(' ', '(', ')'))}</td>" : "") + "</tr>");
        }
        html.Append("</table>");
        foreach (var (chart, n) in data.Report.AllCharts.Take(charts).Select((c, n) => (c, n)))
            html.Append($"<p><img src=\"cid:chart{(n == 0 ? "" : n + 1)}\" alt=\"{WebUtility.HtmlEncode(chart.Title)}\" width=\"640\" height=\"320\"></p>");
        var where = attached ? "The workbook is attached." : $"The workbook is too large to attach; download it from {link}";
        text.Append('\n').Append(where).Append('\n');
        html.Append($"<p>{WebUtility.HtmlEncode(where)}</p>");
        return (text.ToString(), html.ToString());
    }

    private string ExportLink(ReportPeriod period) =>
        Link($"/api/v1/exports/interactions.xlsx?from={Instant(period.From)}&to={Instant(period.To)}&timeZone={Uri.EscapeDataString(period.TimeZone.Id)}");

    private static string Instant(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    private string Link(string path) => (options.Value.PublicBaseUrl?.TrimEnd('/') ?? "") + path;
}

/// <summary>Why a run attempt failed; a permanent failure is not retried.</summary>
public sealed class ReportRunException(string message, bool permanent) : Exception(message)
{
    public bool Permanent { get; } = permanent;
}
