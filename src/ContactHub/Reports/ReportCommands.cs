using System.Diagnostics;
using System.Globalization;
using ContactHub.Data;
using ContactHub.Hosting;
using static ContactHub.Hosting.CommandOutput;

namespace ContactHub.Reports;

/// <summary><c>report list</c> and <c>report run</c>: the same workbook the scheduler sends, written to a file, with progress on stderr.</summary>
public static class ReportCommands
{
    public static int List(WebApplication app)
    {
        foreach (var report in app.Services.GetRequiredService<ReportCatalogue>().All.OrderBy(r => r.Name, StringComparer.Ordinal))
            Console.WriteLine($"{report.Name,-20} {report.Title} — {report.Description}");
        return 0;
    }

    public static async Task<int> RunAsync(WebApplication app, string name, string? from, string? to, string zoneId, string? output)
    {
        var catalogue = app.Services.GetRequiredService<ReportCatalogue>();
        if (catalogue.Find(name) is not { } report)
            return Fail($"There is no report named {name}; `report list` shows the catalogue.");
        if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
            return Fail("--from is the first day of the period, yyyy-MM-dd.");
        if (!DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last) || last < first)
            return Fail("--to is the last day of the period (included), yyyy-MM-dd, not before --from.");
        if (last.DayNumber - first.DayNumber + 1 > ReportPeriod.MaxDays) return Fail($"A period covers at most {ReportPeriod.MaxDays} days.");
        if (!LocalTimes.TryFindZone(zoneId, out var zone)) return Fail("--time-zone is an IANA time zone such as Europe/Paris.");
        if (string.IsNullOrWhiteSpace(output)) return Fail("--out names the .xlsx file to write.");

        var watch = Stopwatch.StartNew();
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        await catalogue.ValidateAsync(app.Services.GetRequiredService<Db>());
        var period = new ReportPeriod(first, last, zone);
        var steps = report.Sheets.Count + 2;
        var step = 0;
        Console.Error.WriteLine($"{report.Title}: {period.Label} ({zone.Id})");
        var progress = CommandOutput.Progress<string>(line =>
        {
            if (!line.StartsWith("querying ", StringComparison.Ordinal)) step++; // a step is a sheet's rows arriving
            Console.Error.WriteLine($"[{step}/{steps}] {line} ({watch.Elapsed.TotalSeconds:0.0} s)");
        });
        var data = await app.Services.GetRequiredService<ReportQueries>().CollectAsync(report, period, progress);
        Console.Error.WriteLine($"[{++step}/{steps}] chart and workbook ({watch.Elapsed.TotalSeconds:0.0} s)");
        var content = ReportWorkbook.Build(data, null, ReportChartImage.RenderAll(data));
        var path = CommandLine.UserPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content);
        Console.Error.WriteLine($"[{++step}/{steps}] wrote {path}: {data.RowCount:N0} rows, {content.Length / 1024.0:N0} KB in {watch.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

}
