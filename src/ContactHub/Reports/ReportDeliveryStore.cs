using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.Reports;

public sealed record ReportDelivery(string Recipient, string Status, long Attempts, string? MessageId, string? LastError, DateTimeOffset? SentAt);

/// <summary>One firing of a schedule as a manager's inbox saw it: the run, its period, and each recipient's delivery (none when it was not sent, with why).</summary>
public sealed class ScheduleDelivery
{
    public long RunId { get; set; }
    public string RunStatus { get; set; } = "";
    public DateTimeOffset? PeriodFrom { get; set; }
    public DateTimeOffset? PeriodTo { get; set; }
    public string? Reason { get; set; }
    public string? Recipient { get; set; }
    public string? Status { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>
/// Who a report run was sent to, durably: a row per recipient is written before anything is sent and marked when the
/// server accepts the email, so that a retried attempt, or the run recovered after the process died, sends only to
/// the recipients not yet marked (at least once each, and twice only for one whose send was cut off unrecorded).
/// </summary>
public sealed class ReportDeliveryStore(Db db, EventLog events, TimeProvider clock)
{
    private const string PlanSql = """
        INSERT INTO report_deliveries (run_id, recipient, status, attempts, created_at)
        SELECT @runId, @recipient, 'pending', 0, @now
        WHERE NOT EXISTS (SELECT 1 FROM report_deliveries {LOCK} WHERE run_id = @runId AND recipient = @recipient)
        {ON_CONFLICT_IGNORE}
        """;

    private const string ListSql = """
        SELECT recipient, status, attempts, message_id, last_error, sent_at FROM report_deliveries WHERE run_id = @runId ORDER BY id
        """;

    private const string OfScheduleSql = """
        SELECT r.id AS run_id, r.status AS run_status, r.period_from, r.period_to, CASE WHEN r.status = 'skipped' THEN r.error END AS reason,
               d.recipient, d.status, d.sent_at, d.last_error
        FROM report_runs r LEFT JOIN report_deliveries d ON d.run_id = r.id
        WHERE r.schedule_id = @scheduleId
        ORDER BY r.id DESC, d.id {LIMIT:@limit}
        """;

    /// <summary>The schedule's firings, newest first, one row per recipient (one row without a recipient for a firing that sent nothing).</summary>
    public async Task<IReadOnlyList<ScheduleDelivery>> OfScheduleAsync(long scheduleId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<ScheduleDelivery>(new CommandDefinition(db.Sql(OfScheduleSql), new { scheduleId, limit }, cancellationToken: ct))).AsList();
    }

    private const string SentSql = """
        UPDATE report_deliveries SET status = 'sent', attempts = attempts + 1, message_id = @messageId, last_error = NULL, sent_at = @now
        WHERE run_id = @runId AND recipient = @recipient
        """;

    private const string FailedSql = """
        UPDATE report_deliveries SET attempts = attempts + 1, last_error = @error WHERE run_id = @runId AND recipient = @recipient
        """;

    /// <summary>Records the recipients of a run (again is harmless) and returns those still to be sent to, in order.</summary>
    public Task<IReadOnlyList<string>> PlanAsync(long runId, IReadOnlyList<string> recipients, CancellationToken ct) =>
        db.InTransactionAsync<IReadOnlyList<string>>(async (connection, tx) =>
        {
            foreach (var recipient in recipients.Distinct(StringComparer.OrdinalIgnoreCase))
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(PlanSql), new { runId, recipient, now = clock.GetUtcNow() }, tx, cancellationToken: ct));
            var rows = await connection.QueryAsync<ReportDelivery>(new CommandDefinition(db.Sql(ListSql), new { runId }, tx, cancellationToken: ct));
            return rows.Where(r => r.Status != "sent").Select(r => r.Recipient).ToList();
        }, ct);

    public async Task<IReadOnlyList<ReportDelivery>> ListAsync(long runId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return [.. await connection.QueryAsync<ReportDelivery>(new CommandDefinition(db.Sql(ListSql), new { runId }, cancellationToken: ct))];
    }

    private const string RunSql = "SELECT report_name, schedule_id, period_from, period_to FROM report_runs WHERE id = @runId";

    private sealed record Run(string ReportName, long? ScheduleId, DateTimeOffset? PeriodFrom, DateTimeOffset? PeriodTo);

    /// <summary>Marks a recipient's copy as accepted by the mail server, with its report.delivered event.</summary>
    public Task SentAsync(long runId, string recipient, string messageId, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(SentSql), new { runId, recipient, messageId, now }, tx, cancellationToken: ct));
            var run = await connection.QuerySingleAsync<Run>(new CommandDefinition(RunSql, new { runId }, tx, cancellationToken: ct));
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ReportDelivered, null, new
            {
                runId, report = run.ReportName, scheduleId = run.ScheduleId, periodFrom = run.PeriodFrom, periodTo = run.PeriodTo, recipient, deliveredAt = now,
            }), ct);
            return 0;
        }, ct);

    public async Task FailedAsync(long runId, string recipient, string error, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(FailedSql),
            new { runId, recipient, error = error.Length > 2000 ? error[..2000] : error }, cancellationToken: ct));
    }
}
