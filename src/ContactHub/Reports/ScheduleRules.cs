namespace ContactHub.Reports;

/// <summary>What makes a schedule valid, shared by the API and the schedules seeded from configuration.</summary>
public static class ScheduleRules
{
    public sealed record Error(string Field, string Message);

    public static IEnumerable<Error> Check(string? report, string? cron, string? timeZone, string? period, IReadOnlyCollection<string>? recipients)
    {
        if (string.IsNullOrWhiteSpace(report)) yield return new("report", "names a report of the catalogue (GET /api/v1/reports).");
        if (string.IsNullOrWhiteSpace(cron) || !Quartz.CronExpression.TryParse(cron, out _))
            yield return new("cron", "must be a Quartz cron expression with seconds first, e.g. \"0 0 7 * * ?\" for 07:00 every day.");
        if (!ReportPeriod.TryFindZone(timeZone, out _)) yield return new("timeZone", $"must be an IANA time zone such as Europe/Paris (was '{timeZone}').");
        if (period is null || !ReportPeriod.Kinds.Contains(period)) yield return new("period", $"must be one of {string.Join(", ", ReportPeriod.Kinds)}.");
        if (recipients is null || recipients.Count is 0 or > 50) yield return new("recipients", "lists 1 to 50 email addresses.");
        else if (recipients.FirstOrDefault(r => !IsEmail(r)) is { } bad) yield return new("recipients", $"holds something that is not an email address ('{bad}').");
    }

    private static bool IsEmail(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 320 && System.Net.Mail.MailAddress.TryCreate(value, out var a) && a.Address == value.Trim();
}
