using ContactHub.Channels.Email;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

/// <summary>
/// A schedule of Reports:Schedules that emails someone needs Email:FromAddress, as one made through the API does: without it
/// every run would fail from the first morning. Checked at start-up. The address itself is not repeated (personal data in a log).
/// </summary>
public sealed class ScheduleEmailValidation(IOptions<EmailOptions> email) : IValidateOptions<ReportsOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportsOptions options)
    {
        if (email.Value.Enabled) return ValidateOptionsResult.Success;
        var failures = options.Schedules
            .Select(s => (s.Key, Index: ScheduleRules.FirstEmail(s.Value.Recipients)))
            .Where(s => s.Index >= 0)
            .Select(s => $"{ReportsOptions.Section}:Schedules:{s.Key}:Recipients:{s.Index} is an email address: {EmailOptions.NotConfigured} {ScheduleRules.EmailNeeded}")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
