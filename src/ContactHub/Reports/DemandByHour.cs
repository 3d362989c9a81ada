using ContactHub.Data;
using Dapper;

namespace ContactHub.Reports;

/// <summary>
/// Inbound demand per local weekday and hour over the period — the heat map managers staff by. The database counts per UTC
/// quarter-hour (a few thousand rows a month, not one per interaction: reading 680k timestamps took ~1.8 s of a 1M-interaction
/// report) and code places each quarter-hour in the report's time zone, which SQL on three engines cannot agree on. A
/// quarter-hour lies within one local hour wherever the offset is a whole number of quarter-hours (+05:30, +05:45 included).
/// </summary>
public sealed class DemandByHour(Db db) : IReportSource
{
    public const string Name = "demand-by-hour";

    string IReportSource.Name => Name;

    private const string InboundSql = """
        SELECT {QUARTER_HOUR:occurred_at} AS quarter, COUNT(*) AS inbound FROM interactions
        WHERE direction = 'inbound' AND occurred_at >= @from AND occurred_at < @to
        GROUP BY {QUARTER_HOUR:occurred_at}
        """;

    private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    public async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RowsAsync(ReportPeriod period, CancellationToken ct)
    {
        var counts = new long[7, 24];
        var any = false;
        await using (var connection = await db.OpenAsync(ct))
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(db.Sql(InboundSql),
                   new { from = period.From.ToUniversalTime(), to = period.To.ToUniversalTime() }, commandTimeout: 600, cancellationToken: ct)))
        {
            while (await reader.ReadAsync(ct))
            {
                var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0) * 900), period.TimeZone);
                counts[((int)local.DayOfWeek + 6) % 7, local.Hour] += reader.GetInt64(1);
                any = true;
            }
        }
        if (!any) return [];
        return Enumerable.Range(0, 7).Select(d =>
        {
            var row = new Dictionary<string, object?> { ["day"] = Days[d] };
            long total = 0;
            for (var h = 0; h < 24; h++)
            {
                row[$"h{h:00}"] = counts[d, h];
                total += counts[d, h];
            }
            row["total"] = total;
            return (IReadOnlyDictionary<string, object?>)row;
        }).ToList();
    }
}
