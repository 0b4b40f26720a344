using System.Diagnostics;
using System.Threading.Channels;

namespace Casto.Testing;

/// <summary>
/// A long-running child process whose stdout lines are collected for the test to wait on. Disposing sends SIGTERM,
/// closes stdin (reference scripts exit on either), waits briefly and kills the tree if needed.
/// </summary>
public sealed class LineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _stderr = [];

    private LineProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>What the process wrote to stderr so far.</summary>
    public string StdErr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>Starts the process (stdout, stderr and stdin must be redirected in <paramref name="info"/>).</summary>
    public static LineProcess Start(ProcessStartInfo info) =>
        new(Process.Start(info ?? throw new ArgumentNullException(nameof(info))) ?? throw new InvalidOperationException($"Cannot start {info.FileName}."));

    /// <summary>Waits for the next stdout line that matches <paramref name="predicate"/>, skipping others.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    if (predicate(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no matching line within {timeout}; stderr: {StdErr}");
        }

        throw new InvalidOperationException($"process exited without a matching line; stderr: {StdErr}");
    }

    /// <summary>Every stdout line not yet consumed, as it comes, until the process closes stdout.</summary>
    public IAsyncEnumerable<string> ReadAllLinesAsync(CancellationToken cancellationToken = default) => _lines.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Writes one line to the process's stdin and flushes it.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Takes the stdout lines received so far and not yet consumed.</summary>
    public IReadOnlyList<string> TakeLines()
    {
        var lines = new List<string>();
        while (_lines.Reader.TryRead(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Sends SIGTERM and waits for exit; returns the exit code (or -1 if it had to be killed).</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return -1;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                await StopAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
