using System.Diagnostics;

namespace ContactHub.Benchmarks;

/// <summary>
/// The service as users deploy it (docs/OPERATIONS.md): <c>dotnet publish -c Release</c>, compiled ahead of time, into a folder
/// beside the build output, once per harness run. The service and its commands measured from outside run this rather than the
/// build output, whose code the JIT compiles at first use (activity-summary over 1M interactions: 5.0 s built, 4.3 s published).
/// </summary>
internal static class PublishedService
{
    private static readonly Lazy<string> Published = new(Publish);

    public static string Dll => Published.Value;

    public static string Folder => Path.GetDirectoryName(Dll)!;

    private static string Publish()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "ContactHub.sln"))) root = root.Parent!;
        var folder = Path.Combine(root.FullName, "src", "ContactHub", "bin", "Release", "published");
        Console.WriteLine($"publishing the service as users deploy it (dotnet publish -c Release) into {folder}…");
        var watch = Stopwatch.StartNew();
        var info = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root.FullName, "src", "ContactHub"), "-c", "Release", "-o", folder, "--nologo"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed (exit {process.ExitCode}):\n{output}{error.Result}");
        Console.WriteLine($"published in {watch.Elapsed.TotalSeconds:0} s");
        return Path.Combine(folder, "ContactHub.dll");
    }
}
