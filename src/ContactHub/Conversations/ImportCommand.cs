using System.Diagnostics;
using ContactHub.Data;
using ContactHub.Hosting;

namespace ContactHub.Conversations;

/// <summary>
/// <c>import FILE.csv [--time-zone ZONE] [--date-format LAYOUT]</c>: interactions from a CSV file, with progress; exit code 1 when
/// some rows were refused. Another system's export often gives local times without an offset, in its own layout: <c>--time-zone</c>
/// says where they are wall-clock times, <c>--date-format</c> how they are written (<see cref="ImportTimes"/>).
/// </summary>
public static class ImportCommand
{
    public static async Task<int> RunAsync(WebApplication app, string file, string? zoneId = null, string? dateFormat = null)
    {
        var path = file == "-" ? file : CommandLine.UserPath(file);
        if (file != "-" && !File.Exists(path)) return CommandOutput.Fail($"No such file: {path}");
        var zone = TimeZoneInfo.Utc;
        if (zoneId is not null && !LocalTimes.TryFindZone(zoneId, out zone))
            return CommandOutput.Fail("--time-zone is an IANA time zone such as Europe/Paris: the zone whose wall-clock times the file gives without an offset.");
        IReadOnlyList<string> formats = [];
        if (dateFormat is not null)
        {
            if (ImportTimes.ParseFormats(dateFormat) is not { } parsed)
                return CommandOutput.Fail("--date-format is the layout of the file's times without an offset, in .NET's notation (dd/MM/yyyy HH:mm; several separated by |).");
            formats = parsed;
        }
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        var import = ActivatorUtilities.CreateInstance<InteractionImport>(app.Services);
        var watch = Stopwatch.StartNew();
        var line = new CommandOutput.ProgressLine();
        var progress = CommandOutput.Progress<InteractionImport.Progress>(p =>
            line.Show($"{p.Lines:N0} rows read: {p.Recorded:N0} recorded, {p.Repeated:N0} already there, {p.Failed:N0} refused — {p.Lines / watch.Elapsed.TotalSeconds:N0} rows/s"));
        InteractionImport.Result result;
        try
        {
            var opened = file == "-" ? null : ImportFile.Open(path);
            if (opened is { Encoding.CodePage: 1252 })
                Console.Error.WriteLine($"{file} is not UTF-8: read as Windows-1252, the encoding Excel on Windows saves CSV in.");
            using var reader = opened?.Reader ?? ImportFile.OpenStandardInput();
            result = await import.ImportAsync(reader, progress, new ImportTimes(zone, formats));
        }
        // Before ArgumentException, which it derives from.
        catch (System.Text.DecoderFallbackException ex)
        {
            line.End();
            return CommandOutput.Fail(ImportFile.Refusal(file == "-" ? "Standard input" : file, ex));
        }
        catch (ArgumentException ex)
        {
            return CommandOutput.Fail(ex.Message);
        }
        catch (ImportFile.NotUtf8Exception ex)
        {
            return CommandOutput.Fail($"{file}: {ex.Message} Nothing was imported.");
        }
        line.End();
        foreach (var error in result.Errors.Take(100))
            Console.Error.WriteLine($"line {error.Line}: {error.Field}: {error.Message}");
        if (result.Failed > 100) Console.Error.WriteLine($"… and {result.Failed - 100:N0} more refused rows.");
        Console.WriteLine($"Imported {file}: {result.Lines:N0} rows, {result.Recorded:N0} recorded, {result.Repeated:N0} already there, {result.Failed:N0} refused, " +
            $"in {watch.Elapsed.TotalSeconds:0.0} s ({result.Lines / Math.Max(0.001, watch.Elapsed.TotalSeconds):N0} rows/s).");
        return result.Failed == 0 ? 0 : 1;
    }
}
