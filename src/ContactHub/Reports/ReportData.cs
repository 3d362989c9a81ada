using System.Data.Common;
using ContactHub.Data;
using Dapper;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

public sealed record SheetData(ReportSheet Sheet, IReadOnlyList<object?[]> Rows, bool OverLimit);

public sealed record ReportData(ReportDefinition Report, ReportPeriod Period, IReadOnlyList<(ReportColumn Column, object? Value)> Headlines,
    IReadOnlyList<SheetData> Sheets, DateTimeOffset GeneratedAt)
{
    public long RowCount => Sheets.Sum(s => (long)s.Rows.Count);

    public bool IsEmpty => Sheets.All(s => s.Rows.Count == 0 && !s.OverLimit);
}

/// <summary>Runs a report's queries for one period: headline figures, then each sheet's rows in the definition's column order.</summary>
public sealed class ReportQueries(Db db, IOptions<ReportsOptions> options, TimeProvider clock)
{
    /// <summary>Collects everything a workbook needs; <paramref name="progress"/> hears each sheet's name and row count.</summary>
    public async Task<ReportData> CollectAsync(ReportDefinition report, ReportPeriod period, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var headlines = new List<(ReportColumn, object?)>();
        if (report.Headlines is { } h)
        {
            var row = (await ReadAsync(connection, h.Sql, h.Figures, period, 1, ct)).Rows.FirstOrDefault();
            headlines.AddRange(h.Figures.Select((f, i) => (f, row?[i])));
        }
        var sheets = new List<SheetData>();
        foreach (var sheet in report.Sheets)
        {
            progress?.Report($"{sheet.Name}: querying");
            var limit = sheet.Detail ? options.Value.MaxDetailRows : int.MaxValue;
            var (rows, over) = await ReadAsync(connection, sheet.Sql, sheet.Columns, period, limit, ct);
            sheets.Add(new SheetData(sheet, over ? [] : rows, over));
            progress?.Report(over ? $"{sheet.Name}: more than {limit:N0} rows, left to the streamed export" : $"{sheet.Name}: {rows.Count:N0} rows");
        }
        return new ReportData(report, period, headlines, sheets, clock.GetUtcNow());
    }

    private async Task<(List<object?[]> Rows, bool OverLimit)> ReadAsync(DbConnection connection, string portable, IReadOnlyList<ReportColumn> columns,
        ReportPeriod period, int limit, CancellationToken ct)
    {
        var (sql, parameters) = ReportQuery.Render(db.Dialect, portable, period);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, commandTimeout: 600, cancellationToken: ct));
        var ordinals = columns.Select(c => reader.GetOrdinal(c.Field)).ToArray();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(ct))
        {
            if (rows.Count == limit) return (rows, true);
            var row = new object?[ordinals.Length];
            for (var i = 0; i < ordinals.Length; i++)
                row[i] = reader.IsDBNull(ordinals[i]) ? null : reader.GetValue(ordinals[i]);
            rows.Add(row);
        }
        return (rows, false);
    }
}
