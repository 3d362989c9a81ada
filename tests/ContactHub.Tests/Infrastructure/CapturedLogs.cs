using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ContactHub.Tests.Infrastructure;

/// <summary>Keeps every error the host logs, so a test can show it or assert there was none.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Errors { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) owner.Errors.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
