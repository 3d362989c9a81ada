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

    /// <summary>
    /// A long command's progress on stderr: rewritten in place each second on a terminal; where stderr is a file or a pipe
    /// (a scheduler's log), a line of its own every ten seconds — carriage returns there made one line of the whole run.
    /// </summary>
    public sealed class ProgressLine(bool inPlace, TextWriter output)
    {
        private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();
        private TimeSpan _shown;

        public ProgressLine() : this(!Console.IsErrorRedirected, Console.Error) { }

        /// <summary>Shows <paramref name="text"/> if it is time to (always when <paramref name="last"/>).</summary>
        public void Show(string text, bool last = false)
        {
            if (!last && _watch.Elapsed - _shown < (inPlace ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10))) return;
            _shown = _watch.Elapsed;
            if (inPlace) output.Write($"\r{text}   ");
            else output.WriteLine(text);
        }

        /// <summary>Ends the line rewritten in place, so that what follows starts on its own.</summary>
        public void End()
        {
            if (inPlace) output.WriteLine();
        }
    }
}
