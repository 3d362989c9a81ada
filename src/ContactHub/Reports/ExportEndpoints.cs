using ContactHub.Channels;
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
            .WithSummary("Every interaction in [from, to) as CSV, streamed (no row limit); from/to are ISO 8601 instants, default the last 30 days.");
        group.Read.MapGet("/interactions.xlsx", Xlsx).WithName("ExportInteractionsXlsx")
            .WithSummary("Every interaction in [from, to) as an .xlsx, streamed; a new sheet every 1,048,575 rows.");
        return api;
    }

    private static Task<Results<EmptyHttpResult, ValidationProblem>> Csv(HttpContext http, InteractionExport export, AuditLog audit, TimeProvider clock, CancellationToken ct,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? channel = null, string? timeZone = null) =>
        StreamAsync(http, export, audit, clock, from, to, channel, timeZone, "csv", ct);

    private static Task<Results<EmptyHttpResult, ValidationProblem>> Xlsx(HttpContext http, InteractionExport export, AuditLog audit, TimeProvider clock, CancellationToken ct,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? channel = null, string? timeZone = null) =>
        StreamAsync(http, export, audit, clock, from, to, channel, timeZone, "xlsx", ct);

    private static async Task<Results<EmptyHttpResult, ValidationProblem>> StreamAsync(HttpContext http, InteractionExport export, AuditLog audit, TimeProvider clock,
        DateTimeOffset? from, DateTimeOffset? to, string? channel, string? timeZone, string format, CancellationToken ct)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        var errors = new Dictionary<string, string[]>();
        if (start >= end) errors["to"] = ["Must be after from."];
        if (channel is not null && !Channel.IsKnown(channel)) errors["channel"] = [$"One of {Channel.List(Channel.All)}."];
        if (!ReportPeriod.TryFindZone(timeZone ?? "UTC", out var zone)) errors["timeZone"] = ["An IANA time zone such as Europe/Paris (the zone occurred_at is written in)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var filter = new InteractionExport.Filter(start.ToUniversalTime(), end.ToUniversalTime(), channel, zone);
        audit.Write(http, "export.interactions", "export", format, details: $"{filter.From:O} to {filter.To:O}{(channel is null ? "" : " " + channel)}");
        var name = $"interactions_{filter.From:yyyyMMddTHHmmss}_{filter.To:yyyyMMddTHHmmss}.{format}";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (format == "csv")
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            await export.WriteCsvAsync(filter, http.Response.Body, ct);
        }
        else
        {
            http.Response.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            // MiniExcel writes synchronously; this response alone may block its thread while it streams.
            if (http.Features.Get<IHttpBodyControlFeature>() is { } control) control.AllowSynchronousIO = true;
            await export.WriteXlsxAsync(filter, http.Response.Body, ct);
        }
        return TypedResults.Empty;
    }
}
