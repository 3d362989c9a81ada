using System.Data.Common;
using ContactHub.Data;
using ContactHub.Hosting;
using Dapper;

namespace ContactHub.Reports;

public static class RunStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>Built, but not sent: its schedule's sendWhen did not hold (the reason is the run's error).</summary>
    public const string Skipped = "skipped";
}

/// <summary>One run as stored in <c>report_runs</c> (without the file's bytes).</summary>
public sealed record ReportRunRow(long Id, string ReportName, long? ScheduleId, string Status, DateTimeOffset? PeriodFrom, DateTimeOffset? PeriodTo,
    string? TimeZone, string? RequestedBy, string? Recipients, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long Attempts, long? RowCount,
    long? ByteCount, long? DurationMs, string? FileName, string? Error)
{
    public ReportPeriod Period()
    {
        LocalTimes.TryFindZone(TimeZone, out var zone);
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(PeriodFrom!.Value, zone).DateTime);
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(PeriodTo!.Value, zone).DateTime).AddDays(-1);
        return new ReportPeriod(first, last, zone);
    }

    public IReadOnlyList<string> RecipientList => Recipients?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}

/// <summary>The <c>report_runs</c> table: queued, running, succeeded or failed, with size, rows, duration and the workbook itself.</summary>
public sealed class ReportRunStore(Db db, TimeProvider clock)
{
    private const string Columns = """
        SELECT id, report_name, schedule_id, status, period_from, period_to, time_zone, requested_by, recipients, started_at, finished_at,
               attempts, row_count, byte_count, duration_ms, file_name, error
        FROM report_runs
        """ + "\n";

    private const string SucceededSql = """
        UPDATE report_runs SET status = 'succeeded', row_count = @rows, byte_count = @bytes, file_name = @fileName, file_content = @content,
            duration_ms = @durationMs, finished_at = @now, error = NULL
        WHERE id = @id
        """;

    private const string DedupeSql = "SELECT id FROM report_runs WHERE dedupe_key = @dedupeKey";

    private const string StartAttemptSql = "UPDATE report_runs SET status = 'running', attempts = attempts + 1, error = NULL WHERE id = @id AND status IN ('queued', 'running')";

    private const string AttemptFailedSql = "UPDATE report_runs SET status = @status, error = @error, finished_at = @finished WHERE id = @id";

    private const string FileSql = "SELECT file_name, file_content FROM report_runs WHERE id = @id AND status IN ('succeeded', 'skipped')";

    private const string SkippedSql = """
        UPDATE report_runs SET status = 'skipped', error = @reason, row_count = @rows, byte_count = @bytes, file_name = @fileName, file_content = @content,
            finished_at = @now, duration_ms = @durationMs
        WHERE id = @id
        """;

    private const string InsertSql = """
        INSERT INTO report_runs (report_name, schedule_id, status, period_from, period_to, time_zone, requested_by, recipients, started_at, attempts, dedupe_key) {OUTPUT_ID}
        VALUES (@report, @scheduleId, 'queued', @from, @to, @zone, @requestedBy, @recipients, @now, 0, @dedupeKey) {RETURNING_ID}
        """;

    /// <summary>Queues a run; a second one with the same dedupe key (a scheduled firing seen twice) returns the first one's id and false.</summary>
    public async Task<(long Id, bool Created)> QueueAsync(string report, ReportPeriod period, string? requestedBy, IReadOnlyList<string> recipients,
        long? scheduleId = null, string? dedupeKey = null, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var args = new
        {
            report, scheduleId, from = period.From, to = period.To, zone = period.TimeZone.Id, requestedBy,
            recipients = recipients.Count == 0 ? null : string.Join(",", recipients), now = clock.GetUtcNow(), dedupeKey,
        };
        try
        {
            return (await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertSql), args, cancellationToken: ct)), true);
        }
        catch (DbException ex) when (dedupeKey is not null && db.Dialect.IsUniqueViolation(ex))
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(DedupeSql), new { dedupeKey }, cancellationToken: ct));
            return (id, false);
        }
    }

    public async Task<ReportRunRow?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ReportRunRow>(new CommandDefinition(db.Sql(GetSql), new { id }, cancellationToken: ct));
    }

    private const string GetSql = Columns + "WHERE id = @id";

    private const string ListSql = Columns + """
        WHERE (@report IS NULL OR report_name = @report) AND (@scheduleId IS NULL OR schedule_id = @scheduleId)
        ORDER BY id DESC {LIMIT:@limit}
        """;

    public async Task<IReadOnlyList<ReportRunRow>> ListAsync(string? report, long? scheduleId, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return [.. await connection.QueryAsync<ReportRunRow>(new CommandDefinition(db.Sql(ListSql), new { report, scheduleId, limit }, cancellationToken: ct))];
    }

    /// <summary>Claims a queued (or retried) run for one attempt; false when another worker holds it or it is finished.</summary>
    public async Task<bool> StartAttemptAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(StartAttemptSql),
            new { id }, cancellationToken: ct)) == 1;
    }

    public async Task AttemptFailedAsync(long id, string error, bool final, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(AttemptFailedSql),
            new { id, status = final ? RunStatus.Failed : RunStatus.Queued, error, finished = final ? clock.GetUtcNow() : (DateTimeOffset?)null }, cancellationToken: ct));
    }

    /// <summary>Built and kept, not sent, with why.</summary>
    public async Task SkippedAsync(long id, string reason, long rows, string fileName, byte[] content, long durationMs, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(SkippedSql),
            new { id, reason, rows, bytes = (long)content.Length, fileName, content, now = clock.GetUtcNow(), durationMs }, cancellationToken: ct));
    }

    public async Task SucceededAsync(long id, long rows, string fileName, byte[] content, long durationMs, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(SucceededSql), new { id, rows, bytes = (long)content.Length, fileName, content, durationMs, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>The workbook of a succeeded run.</summary>
    public async Task<(string FileName, byte[] Content)?> FileAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(string?, byte[]?)>(new CommandDefinition(db.Sql(FileSql), new { id }, cancellationToken: ct));
        return row is (string name, byte[] content) ? (name, content) : null;
    }
}
