using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ContactHub.Tests.Infrastructure;

/// <summary>The built service as a separate process, started the way an operator starts it.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private HostProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static string ServiceDll
    {
        get
        {
            // tests/ContactHub.Tests/bin/{Configuration}/net10.0 → src/ContactHub/bin/{Configuration}/net10.0
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = testBin.Parent!.Name;
            var root = testBin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "ContactHub.sln"))) root = root.Parent;
            var dll = Path.Combine(root!.FullName, "src", "ContactHub", "bin", configuration, testBin.Name, "ContactHub.dll");
            Assert.True(File.Exists(dll), $"the service is not built at {dll}");
            return dll;
        }
    }

    public static HostProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <param name="environment">Variables set for the process on top of this one's.</param>
    /// <param name="input">What the process reads on its standard input, which is then closed; none: it inherits this one's.</param>
    /// <param name="workingDirectory">Where it runs; the temporary folder if none.</param>
    public static HostProcess Start(IReadOnlyDictionary<string, string> environment, string[] args, byte[]? input = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false, WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(ServiceDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = Process.Start(info)!;
        if (input is not null)
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }
        return new HostProcess(process);
    }

    /// <summary>Runs a command to completion and returns its exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <inheritdoc cref="RunAsync(string[])"/>
    public static Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) => RunAsync(environment, args, input: null);

    /// <inheritdoc cref="RunAsync(string[])"/>
    /// <param name="input">What the command reads on its standard input.</param>
    /// <param name="workingDirectory">Where it runs; the temporary folder if none.</param>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, string[] args, byte[]? input, string? workingDirectory = null)
    {
        await using var host = Start(environment, args, input, workingDirectory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host._process.WaitForExitAsync(timeout.Token);
        host._process.WaitForExit(); // drains the output readers
        return (host._process.ExitCode, host.Output);
    }

    /// <summary>Waits until the process answers /health/ready on this port (fails with its output if it exits or takes a minute).</summary>
    public static async Task WaitUntilServingAsync(int port, HostProcess host)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(host.HasExited, host.Output);
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Assert.True(DateTime.UtcNow < deadline, "the service did not start: " + host.Output);
            await Task.Delay(200);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>What systemd or a container runtime sends to stop the service.</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();

    public Task WaitForExitAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    private bool _disposed;

    /// <summary>Kills the process if it still runs (SIGKILL: nothing is flushed); safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
