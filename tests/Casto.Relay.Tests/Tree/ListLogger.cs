using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Casto.Relay.Tests.Tree;

/// <summary>Collects log lines (with a node label and a millisecond clock) to print when a tree test fails.</summary>
internal sealed class ListLogger(string label, ConcurrentQueue<string> lines) : ILoggerFactory, ILogger
{
    private static readonly long Start = Environment.TickCount64;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue($"{Environment.TickCount64 - Start,6} {label}: {formatter(state, exception)}");

    public void Dispose()
    {
    }
}
