using System.Net;
using System.Text;
using System.Text.Json;

namespace ContactHub.Reports;

/// <summary>What a destination did with a run's workbook: delivered (with where), or not, and whether trying again may help.</summary>
public sealed record DestinationResult(bool Delivered, string? Reference = null, string? Error = null, bool Permanent = false);

/// <summary>
/// Somewhere a report goes besides an inbox (SharePoint, Teams). The runner calls it once per firing and destination: the
/// delivery is recorded like an email recipient's, so a retried run does not post twice.
/// </summary>
public interface IReportDestination
{
    ReportDestinationType Type { get; }

    Task<DestinationResult> DeliverAsync(ReportDestinationOptions destination, ReportData data, string fileName, byte[] workbook, string link, CancellationToken ct);
}

/// <summary>
/// A Teams channel's incoming webhook: a message card with the headline figures and their change, and a button to the workbook
/// (its SharePoint copy when the same run uploaded one, else ContactHub's download link).
/// </summary>
public sealed class TeamsWebhookDestination(IHttpClientFactory http) : IReportDestination
{
    public ReportDestinationType Type => ReportDestinationType.Teams;

    public async Task<DestinationResult> DeliverAsync(ReportDestinationOptions destination, ReportData data, string fileName, byte[] workbook, string link, CancellationToken ct)
    {
        var zone = data.Period.TimeZone;
        var compared = data.PreviousHeadlines.Count == data.Headlines.Count;
        var facts = data.Headlines.Select((h, n) => new
        {
            name = h.Column.Header,
            value = CellValues.Display(h.Value, h.Column.Format, zone)
                + (compared ? $" ({Comparison.Of(h.Column, h.Value, data.PreviousHeadlines[n], zone).Text} vs {CellValues.Display(data.PreviousHeadlines[n], h.Column.Format, zone)})" : ""),
        }).ToList();
        var card = new Dictionary<string, object>
        {
            ["@type"] = "MessageCard",
            ["@context"] = "https://schema.org/extensions",
            ["summary"] = $"{data.Report.Title} — {data.Period.Label}",
            ["themeColor"] = "4472C4",
            ["title"] = $"{data.Report.Title} — {data.Period.Label}",
            ["sections"] = new[] { new { activitySubtitle = $"{zone.Id}" + (data.IsEmpty ? " · no activity in this period" : ""), facts } },
            ["potentialAction"] = new[]
            {
                new Dictionary<string, object> { ["@type"] = "OpenUri", ["name"] = "Open the workbook", ["targets"] = new[] { new { os = "default", uri = link } } },
            },
        };
        using var content = new StringContent(JsonSerializer.Serialize(card), Encoding.UTF8, "application/json");
        try
        {
            using var response = await http.CreateClient("teams-webhook").PostAsync(destination.WebhookUrl, content, ct);
            if (response.IsSuccessStatusCode) return new DestinationResult(true, "posted");
            var permanent = response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout) && (int)response.StatusCode < 500;
            return new DestinationResult(false, Error: $"Teams answered {(int)response.StatusCode}", Permanent: permanent);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new DestinationResult(false, Error: $"Teams could not be reached ({e.GetType().Name})");
        }
    }
}
