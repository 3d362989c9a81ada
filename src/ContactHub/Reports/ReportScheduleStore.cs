using ContactHub.Data;
using Dapper;

namespace ContactHub.Reports;

public sealed record ScheduleInput(string? Name, string Report, string Cron, string TimeZone, string Period, IReadOnlyList<string> Recipients, bool Enabled,
    string? SendWhen = null, ScheduleScope? Scope = null, bool PerRecipientTeam = false);

/// <summary>What part of the centre a schedule's report covers: a team's agents, agents by name, channels, wrap-up codes (all that are given).</summary>
public sealed record ScheduleScope(string? Team = null, IReadOnlyList<string>? Agents = null, IReadOnlyList<string>? Channels = null, IReadOnlyList<string>? WrapUpCodes = null)
{
    public bool IsEmpty => Team is null && Agents is null && Channels is null && WrapUpCodes is null;
}

/// <summary>A schedule as the API shows it: paused (with why) after too many failed runs in a row.</summary>
public sealed record ReportSchedule(long Id, string? Name, string Report, string Cron, string TimeZone, string Period, IReadOnlyList<string> Recipients,
    bool Enabled, bool Paused, string? PausedReason, DateTimeOffset? PausedAt, long ConsecutiveFailures, string Source, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? SendWhen, ScheduleScope? Scope, bool PerRecipientTeam);

public sealed class ReportScheduleStore(Db db, TimeProvider clock)
{
    private sealed record Row(long Id, string? Name, string ReportName, string Cron, string TimeZone, string Period, string Recipients, long Enabled,
        DateTimeOffset? PausedAt, string? PausedReason, long ConsecutiveFailures, string Source, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? SendWhen,
        string? ScopeTeam, string? ScopeAgents, string? ScopeChannels, string? ScopeWrapUps, long PerRecipientTeam)
    {
        private static IReadOnlyList<string>? List(string? text) => text is null ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries);

        private ScheduleScope? Scope => new ScheduleScope(ScopeTeam, List(ScopeAgents), List(ScopeChannels), List(ScopeWrapUps)) is { IsEmpty: false } scope ? scope : null;

        public ReportSchedule ToSchedule() => new(Id, Name, ReportName, Cron, TimeZone, Period,
            Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Enabled != 0, PausedAt is not null,
            PausedReason, PausedAt, ConsecutiveFailures, Source, CreatedAt, UpdatedAt, SendWhen, Scope, PerRecipientTeam != 0);
    }

    private const string Columns = """
        SELECT id, name, report_name, cron, time_zone, period, recipients, enabled, paused_at, paused_reason, consecutive_failures, source, created_at, updated_at,
               send_when, scope_team, scope_agents, scope_channels, scope_wrap_ups, per_recipient_team
        FROM report_schedules
        """ + "\n";

    private const string ListSql = Columns + "ORDER BY id";

    private const string GetSql = Columns + "WHERE id = @id";

    private const string FindByNameSql = Columns + "WHERE name = @name";

    public async Task<IReadOnlyList<ReportSchedule>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return [.. (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ListSql), cancellationToken: ct))).Select(r => r.ToSchedule())];
    }

    public async Task<ReportSchedule?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetSql), new { id }, cancellationToken: ct)))?.ToSchedule();
    }

    public async Task<ReportSchedule?> FindByNameAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(FindByNameSql), new { name }, cancellationToken: ct)))?.ToSchedule();
    }

    private const string UpdateSql = """
        UPDATE report_schedules SET name = @name, report_name = @report, cron = @cron, time_zone = @zone, period = @period, recipients = @recipients,
            enabled = @enabled, send_when = @sendWhen, scope_team = @scopeTeam, scope_agents = @scopeAgents, scope_channels = @scopeChannels,
            scope_wrap_ups = @scopeWrapUps, per_recipient_team = @perRecipientTeam, updated_at = @now
        WHERE id = @id
        """;

    private const string PauseSql = """
        UPDATE report_schedules SET paused_at = @now, paused_reason = @reason, updated_at = @now
        WHERE id = @id AND paused_at IS NULL AND consecutive_failures >= @pauseAfter
        """;

    private const string PauseNowSql = """
        UPDATE report_schedules SET paused_at = @now, paused_reason = @reason, updated_at = @now WHERE id = @id AND paused_at IS NULL
        """;

    private const string DetachRunsSql = "UPDATE report_runs SET schedule_id = NULL WHERE schedule_id = @id";

    private const string DeleteSql = "DELETE FROM report_schedules WHERE id = @id";

    private const string CountFailureSql = "UPDATE report_schedules SET consecutive_failures = consecutive_failures + 1 WHERE id = @id";

    private const string FailuresSql = "SELECT consecutive_failures FROM report_schedules WHERE id = @id";

    private const string ClearFailuresSql = "UPDATE report_schedules SET consecutive_failures = 0 WHERE id = @id";

    private const string ResumeSql = "UPDATE report_schedules SET paused_at = NULL, paused_reason = NULL, consecutive_failures = 0, updated_at = @now WHERE id = @id";

    private const string InsertSql = """
        INSERT INTO report_schedules (name, report_name, cron, time_zone, period, recipients, enabled, source, created_by, created_at, updated_at, send_when,
            scope_team, scope_agents, scope_channels, scope_wrap_ups, per_recipient_team) {OUTPUT_ID}
        VALUES (@name, @report, @cron, @zone, @period, @recipients, @enabled, @source, @createdBy, @now, @now, @sendWhen,
            @scopeTeam, @scopeAgents, @scopeChannels, @scopeWrapUps, @perRecipientTeam) {RETURNING_ID}
        """;

    public async Task<long> CreateAsync(ScheduleInput s, string source, string? createdBy, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertSql), new
        {
            name = s.Name, report = s.Report, cron = s.Cron, zone = s.TimeZone, period = s.Period, recipients = string.Join(",", s.Recipients),
            enabled = s.Enabled ? 1L : 0L, source, createdBy, now = clock.GetUtcNow(), sendWhen = s.SendWhen, scopeTeam = s.Scope?.Team,
            scopeAgents = Join(s.Scope?.Agents), scopeChannels = Join(s.Scope?.Channels), scopeWrapUps = Join(s.Scope?.WrapUpCodes), perRecipientTeam = s.PerRecipientTeam ? 1L : 0L,
        }, cancellationToken: ct));
    }

    /// <summary>Replaces the definition; a paused schedule stays paused (resume it explicitly).</summary>
    public async Task<bool> UpdateAsync(long id, ScheduleInput s, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), new
        {
            id, name = s.Name, report = s.Report, cron = s.Cron, zone = s.TimeZone, period = s.Period, recipients = string.Join(",", s.Recipients),
            enabled = s.Enabled ? 1L : 0L, now = clock.GetUtcNow(), sendWhen = s.SendWhen, scopeTeam = s.Scope?.Team,
            scopeAgents = Join(s.Scope?.Agents), scopeChannels = Join(s.Scope?.Channels), scopeWrapUps = Join(s.Scope?.WrapUpCodes), perRecipientTeam = s.PerRecipientTeam ? 1L : 0L,
        }, cancellationToken: ct)) == 1;
    }

    /// <summary>Deletes the schedule; its runs stay, detached from it.</summary>
    public Task<bool> DeleteAsync(long id, CancellationToken ct = default) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(DetachRunsSql), new { id }, tx, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteSql), new { id }, tx, cancellationToken: ct)) == 1;
        }, ct);

    /// <summary>Counts a failed run; returns how many failed in a row, pausing the schedule when that reaches the limit.</summary>
    public Task<(long Failures, bool Paused)> RunFailedAsync(long id, int pauseAfter, string error, CancellationToken ct = default) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(CountFailureSql), new { id }, tx, cancellationToken: ct));
            var reason = $"Paused after {pauseAfter} failed runs in a row; the last one: {error}";
            var paused = await connection.ExecuteAsync(new CommandDefinition(db.Sql(PauseSql),
                new { id, now = clock.GetUtcNow(), reason = Clip(reason), pauseAfter = (long)pauseAfter }, tx, cancellationToken: ct)) == 1;
            var failures = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(FailuresSql), new { id }, tx, cancellationToken: ct));
            return (failures, paused);
        }, ct);

    public async Task RunSucceededAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(ClearFailuresSql), new { id }, cancellationToken: ct));
    }

    /// <summary>Pauses a schedule at once, keeping why (shown by GET; resume it explicitly).</summary>
    public async Task PauseAsync(long id, string reason, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(PauseNowSql),
            new { id, now = clock.GetUtcNow(), reason = Clip(reason) }, cancellationToken: ct));
    }

    public async Task<bool> ResumeAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(ResumeSql),
            new { id, now = clock.GetUtcNow() }, cancellationToken: ct)) == 1;
    }

    private static string? Join(IReadOnlyList<string>? values) => values is null ? null : string.Join(",", values);

    private static string Clip(string reason) => reason.Length <= 2000 ? reason : reason[..2000];
}
