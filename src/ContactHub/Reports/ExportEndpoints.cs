using ContactHub.Channels;
using ContactHub.Hosting;
using ContactHub.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactHub.Reports;

public static class ExportEndpoints
{
    public static ApiGroups MapExports(this ApiGroups api)
    {
        var group = api.Under("/exports", g => g.WithTags("Reports").ProducesValidationProblem());
        group.Read.MapGet("/interactions.csv", Csv).WithName("ExportInteractionsCsv")
            .WithSummary("Every interaction in [from, to) as CSV, streamed (no row limit); from/to are ISO 8601 instants, default the last 30 days; delimiter=semicolon for Excel in a French or German locale.");
        group.Read.MapGet("/interactions.xlsx", Xlsx).WithName("ExportInteractionsXlsx")
            .WithSummary("Every interaction in [from, to) as an .xlsx, streamed; a new sheet every 1,048,575 rows.");
        return api;
    }

    /// <summary>
    /// The CSV's field separators by name. Excel reads a CSV with its locale's list separator: a semicolon in French or German,
    /// so a comma-separated file opens there as one column.
    /// </summary>
    private static readonly Dictionary<string, char> Delimiters = new(StringComparer.OrdinalIgnoreCase) { ["comma"] = ',', ["semicolon"] = ';', ["tab"] = '\t' };

    private static Task<Results<EmptyHttpResult, ValidationProblem>> Csv(HttpContext http, InteractionExport export, AuditLog audit, TimeProvider clock, CancellationToken ct,
        string? from = null, string? to = null, string? channel = null, string? timeZone = null, string? delimiter = null) =>
        StreamAsync(http, export, audit, clock, from, to, channel, timeZone, "csv", delimiter, ct);

    private static Task<Results<EmptyHttpResult, ValidationProblem>> Xlsx(HttpContext http, InteractionExport export, AuditLog audit, TimeProvider clock, CancellationToken ct,
        string? from = null, string? to = null, string? channel = null, string? timeZone = null) =>
        StreamAsync(http, export, audit, clock, from, to, channel, timeZone, "xlsx", delimiter: null, ct);

    private static async Task<Results<EmptyHttpResult, ValidationProblem>> StreamAsync(HttpContext http, InteractionExport export, AuditLog audit, TimeProvider clock,
        string? from, string? to, string? channel, string? timeZone, string format, string? delimiter, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var separator = ',';
        if (delimiter is not null && !Delimiters.TryGetValue(delimiter, out separator))
            errors["delimiter"] = ["comma (the default), semicolon (Excel in a French or German locale) or tab."];
        if (!LocalTimes.TryFindZone(timeZone ?? "UTC", out var zone)) errors["timeZone"] = ["An IANA time zone such as Europe/Paris (the zone occurred_at is written in)."];
        // A date alone is a whole local day in timeZone, as in reports: from=2026-11-25&to=2026-11-26 is those two days.
        var end = LocalTimes.ReadField(to, zone, endOfDay: true, "to", errors) ?? clock.GetUtcNow();
        var start = LocalTimes.ReadField(from, zone, endOfDay: false, "from", errors) ?? end.AddDays(-30);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (start >= end) errors["to"] = ["Must be after from."];
        if (channel is not null && !Channel.IsKnown(channel)) errors["channel"] = [$"One of {Channel.List(Channel.All)}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var filter = new InteractionExport.Filter(start.ToUniversalTime(), end.ToUniversalTime(), channel, zone);
        audit.Write(http, "export.interactions", "export", format, details: $"{filter.From:O} to {filter.To:O}{(channel is null ? "" : " " + channel)}");
        var name = $"interactions_{filter.From:yyyyMMddTHHmmss}_{filter.To:yyyyMMddTHHmmss}.{format}";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (format == "csv")
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            await export.WriteCsvAsync(filter, separator, http.Response.Body, ct);
        }
        else
        {
            http.Response.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            await export.WriteXlsxAsync(filter, http.Response.Body, ct);
        }
        return TypedResults.Empty;
    }
}
