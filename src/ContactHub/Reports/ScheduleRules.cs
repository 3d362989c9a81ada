using ContactHub.Hosting;

namespace ContactHub.Reports;

/// <summary>What makes a schedule valid, shared by the API and the schedules seeded from configuration.</summary>
public static class ScheduleRules
{
    public sealed record Error(string Field, string Message);

    /// <summary>How many firings ahead are looked at to find the shortest gap between two (a day of hourly firings and more).</summary>
    private const int FiringsChecked = 48;

    /// <param name="minimumInterval">Reports:MinimumScheduleInterval: no two firings may come closer than this.</param>
    /// <param name="destinations">The destinations a recipient may name besides an email address ("teams:ops"; Reports:Destinations).</param>
    public static IEnumerable<Error> Check(string? report, string? cron, string? timeZone, string? period, IReadOnlyCollection<string>? recipients,
        TimeSpan minimumInterval, DateTimeOffset now, IReadOnlyCollection<string>? destinations = null)
    {
        if (string.IsNullOrWhiteSpace(report)) yield return new("report", "names a report of the catalogue (GET /api/v1/reports).");
        var zoneKnown = LocalTimes.TryFindZone(timeZone, out var zone);
        if (string.IsNullOrWhiteSpace(cron) || !Quartz.CronExpression.TryParse(cron, out _))
            yield return new("cron", "must be a Quartz cron expression with seconds first, e.g. \"0 0 7 * * ?\" for 07:00 every day.");
        else if (FiringProblem(cron, zoneKnown ? zone : TimeZoneInfo.Utc, minimumInterval, now) is { } problem)
            yield return new("cron", problem);
        if (!zoneKnown) yield return new("timeZone", $"must be an IANA time zone such as Europe/Paris (was '{timeZone}').");
        if (period is null || !ReportPeriod.Kinds.Contains(period)) yield return new("period", $"must be one of {string.Join(", ", ReportPeriod.Kinds)}.");
        if (recipients is null || recipients.Count is 0 or > 50) yield return new("recipients", "lists 1 to 50 email addresses (or configured destinations such as teams:ops).");
        else if (recipients.FirstOrDefault(r => !IsEmail(r) && !(destinations?.Contains(r) ?? false)) is { } bad)
            yield return new("recipients", bad.Contains(':')
                ? $"names '{bad}', which is not a configured destination ({(destinations is { Count: > 0 } ? string.Join(", ", destinations) : "none: see Reports:Destinations")})."
                : $"holds something that is not an email address ('{bad}').");
    }

    /// <summary>What a schedule that emails hears without Email:FromAddress: its every run would fail, found out the first morning.</summary>
    public const string EmailNeeded = "Set it, or name only configured destinations (Reports:Destinations).";

    /// <summary>Where in <paramref name="recipients"/> the first email address is (a destination needs no email), or -1.</summary>
    public static int FirstEmail(IReadOnlyList<string> recipients)
    {
        for (var i = 0; i < recipients.Count; i++)
            if (IsEmail(recipients[i])) return i;
        return -1;
    }

    /// <summary>A cron that never fires (30 February) would stop Quartz from starting; one that fires every second floods inboxes.</summary>
    private static string? FiringProblem(string cron, TimeZoneInfo zone, TimeSpan minimumInterval, DateTimeOffset now)
    {
        var expression = new Quartz.CronExpression(cron, zone);
        if (expression.GetNextValidTimeAfter(now) is not { } next)
            return $"never fires (no date matches '{cron}'), so nothing would ever be sent.";
        for (var n = 0; n < FiringsChecked && expression.GetNextValidTimeAfter(next) is { } after; n++, next = after)
            if (after - next < minimumInterval)
                return $"fires every {Describe(after - next)}; a schedule may fire at most once every {Describe(minimumInterval)} ({ReportsOptions.Section}:MinimumScheduleInterval).";
        return null;
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 && span.Minutes == 0 && span.Seconds == 0 ? $"{span.TotalHours:0.##} h"
        : span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0.##} min"
        : $"{span.TotalSeconds:0.##} s";

    private static bool IsEmail(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 320 && System.Net.Mail.MailAddress.TryCreate(value, out var a) && a.Address == value.Trim();
}
