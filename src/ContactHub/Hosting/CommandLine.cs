using Microsoft.Extensions.Options;

namespace ContactHub.Hosting;

/// <summary>
/// <c>contacthub</c> runs the service; <c>contacthub COMMAND …</c> runs one of the administration commands that the features
/// register (<see cref="Command"/>), with the same configuration, and exits.
/// </summary>
public static class CommandLine
{
    private const string OwnUsage = """
        Usage: ContactHub [command] [--Section:Key=value ...]
          (no command)                               run the service (migrations applied first)
        """;

    /// <summary>The usage text: the service's own commands, then each feature's.</summary>
    public static string Usage(IEnumerable<Command> commands) =>
        OwnUsage + Environment.NewLine + string.Concat(commands.Select(c => "  " + c.Usage.ReplaceLineEndings(Environment.NewLine + "  ") + Environment.NewLine));

    /// <summary>
    /// A file's path as the user typed it, made absolute from the directory they typed it in. <c>dotnet run --project src/ContactHub</c>
    /// runs the service in its project's directory whatever directory the command was typed in; there a relative path is taken
    /// from the shell's directory (<c>PWD</c>), so that the README's <c>import interactions.csv</c> typed at the repository's root
    /// finds the file there. Anywhere else (a published service, a script), from the current directory.
    /// </summary>
    public static string UserPath(string path)
    {
        var current = Environment.CurrentDirectory;
        var shell = Environment.GetEnvironmentVariable("PWD");
        var underDotnetRun = File.Exists(Path.Combine(current, "ContactHub.csproj")) && shell is { Length: > 0 } && Path.IsPathRooted(shell) && Directory.Exists(shell);
        return Path.GetFullPath(path, underDotnetRun ? shell! : current);
    }

    /// <summary>The arguments that are settings: everything from the first one starting with "-" on.</summary>
    public static string[] Settings(string[] args) => [.. args.SkipWhile(a => !a.StartsWith('-'))];

    public static async Task<int> RunAsync(this WebApplication app, string[] args)
    {
        var words = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        try
        {
            // Configuration errors stop everything, each as one line naming the key.
            app.Services.GetService<IStartupValidator>()?.Validate();
            if (words is [] && StrayWord(args) is { } stray)
            {
                // "ContactHub --Database:… migrate" would otherwise start the service and never run the command.
                Console.Error.WriteLine($"\"{stray}\" comes after the settings: write the command first, e.g. ContactHub {stray} … --Section:Key=value.");
                return 2;
            }
            if (words is []) return await Serve(app);
            if (words is ["help"]) return Help(app, 0);
            var commands = app.Services.GetServices<Command>().ToList();
            var command = commands.Where(c => words.Length == c.Words.Length + c.Arguments && words.Take(c.Words.Length).SequenceEqual(c.Words))
                .MaxBy(c => c.Words.Length);
            return command is null ? Help(app, 2) : await command.Run(app, words[command.Words.Length..], args);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures) Console.Error.WriteLine(failure);
            return 2;
        }
        catch (ConfigurationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        catch (Exception ex) when (app.Services.GetServices<IFailureDescriber>().Select(d => d.Describe(ex)).FirstOrDefault(d => d is not null) is { } failure)
        {
            Console.Error.WriteLine(failure.Line);
            return failure.ExitCode;
        }
    }

    /// <summary>The first address in Urls that is not one to listen on, as a line naming the setting.</summary>
    private static string? InvalidUrl(WebApplication app)
    {
        foreach (var url in (app.Configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try { Microsoft.AspNetCore.Http.BindingAddress.Parse(url); }
            catch (FormatException) { return $"Urls: \"{url}\" is not an address to listen on (e.g. http://0.0.0.0:5080; several separated by ';')."; }
        }
        return null;
    }

    /// <summary>A word among the settings that is not a setting's value ("--Key value" takes the next word; "--Key=value" does not).</summary>
    private static string? StrayWord(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith('-')) continue;
            if (i > 0 && args[i - 1].StartsWith('-') && !args[i - 1].Contains('=')) continue;
            return args[i];
        }
        return null;
    }

    private static async Task<int> Serve(WebApplication app)
    {
        // Kestrel would refuse the address only once the host starts, after logging the error with its stack trace.
        if (InvalidUrl(app) is { } url)
        {
            Console.Error.WriteLine(url);
            return 2;
        }
        foreach (var task in app.Services.GetServices<IStartupTask>())
            await task.PrepareAsync(app.Lifetime.ApplicationStopping);
        // Start-up (migrations, the report catalogue's check against the database, hosted services) leaves garbage
        // behind: one compacting collection once everything runs gives that memory back before the first request.
        app.Lifetime.ApplicationStarted.Register(() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
        await app.RunAsync();
        return 0;
    }

    private static int Help(WebApplication app, int code)
    {
        (code == 0 ? Console.Out : Console.Error).Write(Usage(app.Services.GetServices<Command>()));
        return code;
    }
}
