namespace ContactHub.Hosting;

/// <summary>What the administration commands share: a usage error on stderr, and progress reported in order.</summary>
public static class CommandOutput
{
    /// <summary>Prints a usage error and returns the exit code for it (2).</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    /// <summary>Reports on the caller's thread, in order (System.Progress would post to the thread pool and reorder lines).</summary>
    public static IProgress<T> Progress<T>(Action<T> report) => new InOrder<T>(report);

    private sealed class InOrder<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
