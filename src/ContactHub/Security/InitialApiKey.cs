using ContactHub.Hosting;
using Microsoft.Extensions.Options;

namespace ContactHub.Security;

/// <summary>On the first start with no key, creates an admin key, prints it once and writes it to a 0600 file.</summary>
public sealed class InitialApiKey(ApiKeyStore store, IOptions<SecurityOptions> options, IHostEnvironment environment, ILogger<InitialApiKey> logger) : IStartupTask
{
    public async Task PrepareAsync(CancellationToken ct = default)
    {
        if (await store.CountActiveAsync(ct) > 0) return;
        var (_, plaintext) = await store.CreateAsync("initial-admin", Scopes.All, ct);
        var path = Path.GetFullPath(options.Value.InitialKeyFile, environment.ContentRootPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var writer = new StreamWriter(path, file))
            await writer.WriteLineAsync(plaintext);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        SecurityLog.InitialKeyCreated(logger, path);
        // Printed to the console, never to the log pipeline: logs are shipped elsewhere.
        Console.WriteLine($"Initial admin API key (shown once, also in {path}):{Environment.NewLine}  {plaintext}");
    }
}
