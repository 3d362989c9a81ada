using System.Diagnostics;
using System.Globalization;
using ContactHub.Data;
using ContactHub.Demo;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using MiniExcelLibs;

namespace ContactHub.Benchmarks;

/// <summary>
/// Report generation and streamed exports over demo data, each run in the built service as its own process
/// so that its time and peak resident memory (VmHWM) are its own.
/// </summary>
public static class Reports
{
    public static async Task RunAsync(bool smoke)
    {
        var sizes = smoke ? new[] { 2_000, 10_000 } : [100_000, 1_000_000];
        var results = new List<string>();
        string? largest = null;
        var folder = Directory.CreateTempSubdirectory("contacthub-bench-reports-").FullName;
        try
        {
            foreach (var size in sizes)
            {
                var file = Path.Combine(folder, $"demo-{size}.db");
                var seed = await SeedAsync(file, size);
                var (from, to) = (DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd"), DateTime.UtcNow.ToString("yyyy-MM-dd"));
                var output = Path.Combine(folder, $"activity-{size}.xlsx");
                var figures = await Runs.MedianOf(async () =>
                {
                    var scan = await ScanAsync(file);
                    var report = await MeasureAsync(["report", "run", "activity-summary", "--from", from, "--to", to, "--time-zone", "Europe/Paris", "--out", output, .. Settings(file, folder)]);
                    var own = System.Text.RegularExpressions.Regex.Match(report.Output, @"rows, [\d,]+ KB in ([\d.]+) s");
                    return [own.Success ? double.Parse(own.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN, report.Elapsed.TotalSeconds, report.PeakMiB, scan.TotalSeconds];
                });
                var (seconds, whole, peakMiB, scanSeconds) = (figures[0], figures[1], figures[2], figures[3]);
                results.Add($"| activity-summary, {size:N0} interactions over 30 days (seeded in {seed.TotalSeconds:0} s): the report / the whole command | {seconds:0.0} / {whole:0.0} | {peakMiB:0} | {seconds / scanSeconds:0} × the period's COUNT(*) ({scanSeconds * 1000:0} ms) |");
                largest = file;
            }

            // The export of every row of the largest database, through the running service, against MiniExcel writing the same number of rows alone.
            var rows = await CountAsync(largest!);
            var port = FreePort();
            var started = Stopwatch.StartNew();
            using var server = Start(["--Urls", $"http://127.0.0.1:{port}", .. Settings(largest!, folder)]);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
            while (true)
            {
                try { if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) break; } catch (HttpRequestException) { }
                if (server.HasExited) throw new InvalidOperationException("the service did not start");
                await Task.Delay(50);
            }
            var ready = started.Elapsed;
            await Task.Delay(1000);
            var idle = Memory(server.Id, "VmRSS");
            http.DefaultRequestHeaders.Add("X-Api-Key", (await File.ReadAllTextAsync(Path.Combine(folder, "key.txt"))).Trim());
            var range = $"from={DateTime.UtcNow.AddDays(-31):yyyy-MM-dd}T00:00:00Z&to={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}T00:00:00Z";
            long csvBytes = 0, xlsxBytes = 0;
            var exports = await Runs.MedianOf(async () =>
            {
                var csv = await DownloadAsync(http, "/api/v1/exports/interactions.csv?" + range);
                var xlsx = await DownloadAsync(http, "/api/v1/exports/interactions.xlsx?" + range);
                (csvBytes, xlsxBytes) = (csv.Bytes, xlsx.Bytes);
                return [csv.Elapsed.TotalSeconds, xlsx.Elapsed.TotalSeconds];
            });
            var peak = Memory(server.Id, "VmHWM");
            server.Kill();
            var both = await Runs.MedianOf(() => Task.FromResult<double[]>([MiniExcelAlone(rows).TotalSeconds, MiniExcelAloneEarlierShape(rows).TotalSeconds]));
            var (alone, earlier) = (both[0], both[1]);

            Console.WriteLine();
            Console.WriteLine("## Reports (SQLite, the built service as its own process, seed-demo data)");
            Console.WriteLine("| what | seconds | peak RSS MiB | ratio |");
            Console.WriteLine("|---|---|---|---|");
            results.ForEach(Console.WriteLine);
            Console.WriteLine($"| MiniExcel alone: {rows:N0} rows of the export's shape — its 14 columns, widths and number formats — from memory (baseline) | {alone:0.00} | — | 1.00 |");
            Console.WriteLine($"| MiniExcel alone, the earlier baseline: 11 of the columns, no widths or formats | {earlier:0.00} | — | {earlier / alone:0.00} (the export: {exports[1] / earlier:0.00} × this) |");
            Console.WriteLine($"| GET /api/v1/exports/interactions.xlsx, {rows:N0} rows ({xlsxBytes / 1048576.0:0} MB) | {exports[1]:0.00} | {peak:0} (whole service) | {exports[1] / alone:0.00} × MiniExcel alone |");
            Console.WriteLine($"| GET /api/v1/exports/interactions.csv, {rows:N0} rows ({csvBytes / 1048576.0:0} MB) | {exports[0]:0.00} | — | {exports[0] / alone:0.00} × MiniExcel alone |");
            Console.WriteLine($"| service ready after start (migrations checked, catalogue validated) / idle RSS | {ready.TotalSeconds:0.00} | {idle:0} | — |");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, true); } catch (IOException) { }
        }
    }

    private static string[] Settings(string file, string folder) =>
        [$"--Database:ConnectionString=Data Source={file}", $"--Security:InitialKeyFile={folder}/key.txt", "--Logging:LogLevel:Default=Warning",
         "--Security:RateLimits:ApiPerMinute=0", $"--Reports:OutputPath={folder}/out"];

    private static async Task<TimeSpan> SeedAsync(string file, int interactions)
    {
        var watch = Stopwatch.StartNew();
        await using var db = new Db(DatabaseProvider.Sqlite, $"Data Source={file}", Path.GetDirectoryName(file)!);
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();
        await new DemoSeeder(db, TimeProvider.System).SeedAsync(new DemoSeeder.Options(interactions / 10, interactions, 30, 42));
        return watch.Elapsed;
    }

    private static async Task<TimeSpan> ScanAsync(string file)
    {
        await using var db = new Db(DatabaseProvider.Sqlite, $"Data Source={file}", Path.GetDirectoryName(file)!);
        await using var connection = await db.OpenAsync();
        var watch = Stopwatch.StartNew();
        await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE occurred_at >= @from AND occurred_at < @to",
            new { from = DateTimeOffset.UtcNow.AddDays(-31), to = DateTimeOffset.UtcNow.AddDays(1) });
        return watch.Elapsed;
    }

    private static async Task<long> CountAsync(string file)
    {
        await using var db = new Db(DatabaseProvider.Sqlite, $"Data Source={file}", Path.GetDirectoryName(file)!);
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions");
    }

    private static async Task<(TimeSpan Elapsed, long Bytes)> DownloadAsync(HttpClient http, string url)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0) total += read;
        return (watch.Elapsed, total);
    }

    /// <summary>
    /// The baseline: MiniExcel writing rows of the export's columns and kinds of values (seed-demo's: no wrap-up codes, tags or
    /// attributes, no subject), generated in memory, with the export's own workbook settings, to a stream that discards them.
    /// </summary>
    private static TimeSpan MiniExcelAlone(long count)
    {
        var at = new DateTime(2026, 11, 1, 9, 0, 0);
        var names = ContactHub.Reports.InteractionExport.ColumnNames;
        IEnumerable<IDictionary<string, object?>> Rows()
        {
            for (long i = 1; i <= count; i++)
            {
                object?[] values = [i, at.AddSeconds(i), i % 100_000, "Ana Lima", i / 2, "call", "inbound", "completed", "maria", i % 900, null, null, null, null];
                var row = new Dictionary<string, object?>(names.Count);
                for (var c = 0; c < names.Count; c++) row[names[c]] = values[c];
                yield return row;
            }
        }
        var watch = Stopwatch.StartNew();
        using var sink = new Discard();
        MiniExcel.SaveAs(sink, Rows(), configuration: ContactHub.Reports.InteractionExport.WorkbookConfiguration());
        return watch.Elapsed;
    }

    /// <summary>The baseline until 2026-11-26: 11 of the export's columns, without its widths and number formats.</summary>
    private static TimeSpan MiniExcelAloneEarlierShape(long count)
    {
        var at = new DateTime(2026, 11, 1, 9, 0, 0);
        IEnumerable<IDictionary<string, object?>> Rows()
        {
            for (long i = 1; i <= count; i++)
                yield return new Dictionary<string, object?>(11)
                {
                    ["id"] = i, ["occurred_at"] = at.AddSeconds(i), ["contact_id"] = i % 100_000, ["contact_name"] = "Ana Lima", ["conversation_id"] = i / 2,
                    ["channel"] = "call", ["direction"] = "inbound", ["status"] = "completed", ["agent"] = "maria", ["duration_seconds"] = i % 900, ["subject"] = null,
                };
        }
        var watch = Stopwatch.StartNew();
        using var sink = new Discard();
        MiniExcel.SaveAs(sink, Rows(), configuration: new MiniExcelLibs.OpenXml.OpenXmlConfiguration { AutoFilter = true });
        return watch.Elapsed;
    }

    private sealed class Discard : ContactHub.Reports.WriteOnlyStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) { }
    }

    /// <summary>The service as users deploy it: published, compiled ahead of time.</summary>
    private static string ServiceDll => PublishedService.Dll;

    private static Process Start(string[] args, Action<string?>? output = null)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = PublishedService.Folder };
        info.ArgumentList.Add(ServiceDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => output?.Invoke(e.Data);
        process.ErrorDataReceived += (_, e) => output?.Invoke(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a command of the service to its end; returns its time and its peak resident memory.</summary>
    private static async Task<(TimeSpan Elapsed, double PeakMiB, string Output)> MeasureAsync(string[] args)
    {
        var watch = Stopwatch.StartNew();
        var output = new System.Text.StringBuilder();
        using var process = Start(args, line => { lock (output) output.AppendLine(line); });
        double peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, Memory(process.Id, "VmHWM"));
            await Task.Delay(20);
        }
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', args.Take(3))} exited with {process.ExitCode}: {output}");
        lock (output) return (watch.Elapsed, peak, output.ToString());
    }

    /// <summary>A memory line of /proc/{pid}/status in MiB (0 once the process is gone).</summary>
    private static double Memory(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { return 0; }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
