using System.ComponentModel.DataAnnotations;

namespace ContactHub.Reports;

public sealed class ReportsOptions : IValidatableObject
{
    public const string Section = "Reports";

    /// <summary>The report catalogue: one JSON definition per report (relative to the content root, else beside the service).</summary>
    public string CataloguePath { get; set; } = "reports";

    /// <summary>Where generated workbooks are written, one folder per report.</summary>
    public string OutputPath { get; set; } = "data/reports";

    /// <summary>A detail sheet longer than this is replaced by a note linking to the streamed export.</summary>
    public int MaxDetailRows { get; set; } = 100_000;

    /// <summary>Larger workbooks are sent as a download link instead of an attachment.</summary>
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Attempts per run (generation and delivery) before the run is failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait between two attempts of one run.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A schedule pauses itself after this many failed runs in a row.</summary>
    public int PauseAfterFailedRuns { get; set; } = 3;

    /// <summary>The service's public address, for download links in report emails (e.g. https://contacthub.example.com).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>No schedule may fire more often than this (a cron of every second would send an email a second).</summary>
    public TimeSpan MinimumScheduleInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Where reports go besides email, by name: a SharePoint/OneDrive folder (through the Graph app) or a Teams channel's incoming
    /// webhook. A schedule names one as a recipient: "sharepoint:&lt;name&gt;" or "teams:&lt;name&gt;". Webhook URLs are secrets: they stay here.
    /// </summary>
    public Dictionary<string, ReportDestinationOptions> Destinations { get; set; } = [];

    /// <summary>The recipients a schedule may name besides email addresses: "sharepoint:finance", "teams:ops".</summary>
    public IReadOnlyCollection<string> DestinationRecipients =>
        Destinations.Select(d => $"{d.Value.Type.ToString().ToLowerInvariant()}:{d.Key}").ToList();

    /// <summary>Schedules created or updated from configuration at start-up, keyed by name.</summary>
    public Dictionary<string, ScheduleSeed> Schedules { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (string.IsNullOrWhiteSpace(CataloguePath)) yield return new($"{Section}:CataloguePath is required.");
        if (string.IsNullOrWhiteSpace(OutputPath)) yield return new($"{Section}:OutputPath is required.");
        if (MaxDetailRows is < 1 or > 1_048_575) yield return new($"{Section}:MaxDetailRows must be between 1 and 1048575.");
        if (MaxAttachmentBytes < 1) yield return new($"{Section}:MaxAttachmentBytes must be positive.");
        if (MaxAttempts is < 1 or > 20) yield return new($"{Section}:MaxAttempts must be between 1 and 20.");
        if (RetryDelay < TimeSpan.Zero) yield return new($"{Section}:RetryDelay must not be negative.");
        if (PauseAfterFailedRuns < 1) yield return new($"{Section}:PauseAfterFailedRuns must be at least 1.");
        if (PublicBaseUrl is not null && !Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out _)) yield return new($"{Section}:PublicBaseUrl must be an absolute URL (was '{PublicBaseUrl}').");
        if (MinimumScheduleInterval < TimeSpan.FromSeconds(1)) yield return new($"{Section}:MinimumScheduleInterval must be at least 00:00:01.");
        foreach (var (name, d) in Destinations)
        {
            if (d.Type == ReportDestinationType.SharePoint && string.IsNullOrWhiteSpace(d.DriveId))
                yield return new($"{Section}:Destinations:{name}:DriveId is required for SharePoint (the document library's drive id, GET /sites/{{site}}/drives).");
            if (d.Type == ReportDestinationType.Teams && !(Uri.TryCreate(d.WebhookUrl, UriKind.Absolute, out var hook) && hook.Scheme is "https" or "http"))
                yield return new($"{Section}:Destinations:{name}:WebhookUrl must be the channel's incoming webhook URL (https://…).");
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9][a-z0-9-]{0,63}$"))
                yield return new($"{Section}:Destinations:{name}: a destination's name is lower-case letters, digits and dashes.");
        }
        foreach (var (name, seed) in Schedules)
            foreach (var error in ScheduleRules.Check(seed.Report, seed.Cron, seed.TimeZone, seed.Period, seed.Recipients, MinimumScheduleInterval, DateTimeOffset.UtcNow,
                         DestinationRecipients))
                yield return new($"{Section}:Schedules:{name}:{error.Field} {error.Message}");
    }

    public sealed class ScheduleSeed
    {
        /// <summary>The report's name in the catalogue, e.g. activity-summary.</summary>
        public string? Report { get; set; }

        /// <summary>Quartz cron (seconds first), e.g. "0 0 7 * * ?" for 07:00 every day.</summary>
        public string? Cron { get; set; }

        /// <summary>IANA time zone the cron and the period are read in, e.g. Europe/Paris.</summary>
        public string TimeZone { get; set; } = "UTC";

        /// <summary>previous-day, previous-week, previous-month or month-to-date.</summary>
        public string Period { get; set; } = "previous-day";

        public List<string> Recipients { get; set; } = [];
    }
}

public enum ReportDestinationType { SharePoint, Teams }

public sealed class ReportDestinationOptions
{
    public ReportDestinationType Type { get; set; }

    /// <summary>SharePoint/OneDrive: the drive (document library) the workbook is uploaded to; needs Graph:* and Files.ReadWrite.All (or Sites.Selected).</summary>
    public string? DriveId { get; set; }

    /// <summary>SharePoint/OneDrive: the folder in the drive, e.g. Reports/Activity. The file is named per report and period: a re-run makes a new version.</summary>
    public string Folder { get; set; } = "ContactHub reports";

    /// <summary>Teams: the channel's incoming webhook (or Workflows) URL. A secret: keep it in an environment variable.</summary>
    public string? WebhookUrl { get; set; }
}
