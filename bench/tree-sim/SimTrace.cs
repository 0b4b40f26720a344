using Microsoft.Extensions.Logging;

namespace Casto.TreeSim;

/// <summary>
/// <c>--trace</c>: every tree log message of every node (debug level: candidates that refused or redirected, parents
/// taken and lost, recoveries) on stderr, stamped with the virtual time, to see where a recovery's time goes.
/// </summary>
internal sealed class SimTrace(Func<TimeSpan> now, TextWriter output, int node) : ILoggerFactory
{
    private static readonly Lock Gate = new(); // one stderr

    /// <summary>The node's peer id's tail, once its host started.</summary>
    public string Name { get; set; } = "";

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Write(string message)
    {
        lock (Gate)
        {
            output.WriteLine($"[{now().TotalSeconds,9:0.000}] #{node} {Name} {message}");
        }
    }

    private sealed class Logger(SimTrace trace) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Trace;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            trace.Write(formatter(state, exception));
    }
}
