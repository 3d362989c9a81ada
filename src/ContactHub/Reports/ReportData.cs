using System.Data.Common;
using ContactHub.Data;
using Dapper;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

public sealed record SheetData(ReportSheet Sheet, IReadOnlyList<object?[]> Rows, bool OverLimit);

public sealed record ReportData(ReportDefinition Report, ReportPeriod Period, IReadOnlyList<(ReportColumn Column, object? Value)> Headlines,
    IReadOnlyList<SheetData> Sheets, DateTimeOffset GeneratedAt)
{
    /// <summary>The headline figures over the previous period (<see cref="ReportPeriod.Previous"/>), in the same order; empty when not compared.</summary>
    public IReadOnlyList<object?> PreviousHeadlines { get; init; } = [];

    /// <summary>The part of the centre covered (a team, channels, wrap-up codes); null for the whole centre.</summary>
    public ReportScope? Scope { get; init; }

    public long RowCount => Sheets.Sum(s => (long)s.Rows.Count);

    public bool IsEmpty => Sheets.All(s => s.Rows.Count == 0 && !s.OverLimit);
}

/// <summary>
/// Runs a report's queries for one period — headline figures and each sheet's rows in the definition's column order —
/// side by side, each on its own connection (each query reads its own snapshot, as it would one after another).
/// </summary>
public sealed class ReportQueries(Db db, IEnumerable<IReportSource> sources, IOptions<ReportsOptions> options, TimeProvider clock)
{
    /// <summary>Collects everything a workbook needs; <paramref name="progress"/> hears each sheet's name and row count, in order.</summary>
    public async Task<ReportData> CollectAsync(ReportDefinition report, ReportPeriod period, IProgress<string>? progress = null, CancellationToken ct = default,
        ReportScope? scope = null)
    {
        // A scoped run leaves out the sheets computed in code: they cover the whole centre.
        if (scope is { IsEmpty: false }) report = report with { Sheets = report.Sheets.Where(s => s.Source is null).ToList() };
        var headlineQuery = report.Headlines is { } h ? SideBySide(() => ReadAsync(h.Sql, h.Figures, period, 1, scope, ct), ct) : null;
        var previousQuery = report.Headlines is { } p ? SideBySide(() => ReadAsync(p.Sql, p.Figures, period.Previous(), 1, scope, ct), ct) : null;
        progress?.Report($"querying {report.Sheets.Count + (headlineQuery is null ? 0 : 1)} queries side by side");
        var sheetQueries = report.Sheets.Select(sheet => SideBySide(() => sheet.Source is { } source ? ComputeAsync(source, sheet.Columns, period, ct)
            : ReadAsync(sheet.Sql, sheet.Columns, period, sheet.Detail ? options.Value.MaxDetailRows : int.MaxValue, scope, ct), ct)).ToList();
        // Waits for every query; a failure surfaces as the first failed one in the definition's order.
        await Task.WhenAll(sheetQueries.Prepend(headlineQuery ?? Task.FromResult((new List<object?[]>(), false)))
            .Prepend(previousQuery ?? Task.FromResult((new List<object?[]>(), false))));

        var headlines = new List<(ReportColumn, object?)>();
        if (report.Headlines is { } figures)
        {
            var row = (await headlineQuery!).Rows.FirstOrDefault();
            headlines.AddRange(figures.Figures.Select((f, i) => (f, row?[i])));
        }
        var sheets = new List<SheetData>();
        for (var n = 0; n < report.Sheets.Count; n++)
        {
            var sheet = report.Sheets[n];
            var (rows, over) = await sheetQueries[n];
            sheets.Add(new SheetData(sheet, over ? [] : rows, over));
            progress?.Report(over ? $"{sheet.Name}: more than {options.Value.MaxDetailRows:N0} rows, left to the streamed export" : $"{sheet.Name}: {rows.Count:N0} rows");
        }
        var previous = previousQuery is null ? [] : (await previousQuery).Rows.FirstOrDefault() ?? new object?[headlines.Count];
        return new ReportData(report, period, headlines, sheets, clock.GetUtcNow()) { PreviousHeadlines = previous, Scope = scope is { IsEmpty: false } ? scope : null };
    }

    /// <summary>
    /// Starts a query on a thread of its own. SQLite's driver answers its async calls synchronously, so a query holds its
    /// thread until its last row: queued on the thread pool (two threads on two cores, one more every half second), the
    /// report's eight queries started over ~3.5 s and the longest one last (measured 2026-11-26 on 1M interactions).
    /// </summary>
    private static Task<T> SideBySide<T>(Func<Task<T>> query, CancellationToken ct) => OwnThread.Start(query, ct);

    private async Task<(List<object?[]> Rows, bool OverLimit)> ComputeAsync(string source, IReadOnlyList<ReportColumn> columns, ReportPeriod period, CancellationToken ct)
    {
        var rows = await sources.Single(s => s.Name == source).RowsAsync(period, ct);
        return (rows.Select(r => columns.Select(c => r.GetValueOrDefault(c.Field)).ToArray()).ToList(), false);
    }

    private async Task<(List<object?[]> Rows, bool OverLimit)> ReadAsync(string portable, IReadOnlyList<ReportColumn> columns,
        ReportPeriod period, int limit, ReportScope? scope, CancellationToken ct)
    {
        var (sql, parameters) = ReportQuery.Render(db.Dialect, portable, period, scope);
        await using var connection = await db.OpenAsync(ct);
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
