namespace ContactHub.Hosting;

/// <summary>
/// An administration command a feature offers (<c>import FILE</c>, <c>report run NAME</c> …): the words that name it,
/// how many further words it takes, one usage line, and what it does. Registered by its feature with
/// <see cref="CommandRegistration.AddCommand"/>; <see cref="CommandLine"/> finds it and runs it with the service's configuration.
/// </summary>
/// <param name="Run">Gets the application, the words after the command's own, and the whole argument list (for --options).</param>
public sealed record Command(string[] Words, int Arguments, string Usage, Func<WebApplication, string[], string[], Task<int>> Run);

/// <summary>Something a feature must do before the service takes traffic (after migrations), e.g. check its definitions against the database.</summary>
public interface IStartupTask
{
    Task PrepareAsync(CancellationToken ct);
}

/// <summary>A configuration error found at start-up or by a command: printed as one line naming the setting, exit code 2.</summary>
public class ConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

public static class CommandRegistration
{
    public static IServiceCollection AddCommand(this IServiceCollection services, Command command) => services.AddSingleton(command);

    public static IServiceCollection AddStartupTask<T>(this IServiceCollection services) where T : class, IStartupTask =>
        services.AddSingleton<IStartupTask>(sp => sp.GetRequiredService<T>());

    /// <summary>The value after an option's name (<c>--from 2026-11-01</c>), if given.</summary>
    public static string? Option(this string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
