using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Infrastructure;

/// <summary>Keeps every error the host logs, so a test can show it or assert there was none.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Every message at or above <see cref="MinimumLevel"/>, whatever its level.</summary>
    public ConcurrentQueue<string> All { get; } = new();

    public LogLevel MinimumLevel { get; set; } = LogLevel.Error;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{category}: {formatter(state, exception)} {exception}";
            owner.All.Enqueue(line);
            if (logLevel >= LogLevel.Error) owner.Errors.Enqueue(line);
        }
    }
}
