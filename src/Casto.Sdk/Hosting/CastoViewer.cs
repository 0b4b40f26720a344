using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Sdk;

/// <summary>
/// The hosted service of <c>AddCasto</c>: watches the configured stream while the host runs (and relays it), joining
/// again when it is not found or ends (after 1 s, doubling to 30 s). <see cref="Media"/> is the current session.
/// Host start is not delayed: joining happens in the background.
/// </summary>
public sealed partial class CastoViewer : IHostedService, IAsyncDisposable
{
    private readonly CastoClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private CancellationTokenSource? _stop;
    private Task _running = Task.CompletedTask;
    private CastoMedia? _media;

    /// <summary>Watches with <paramref name="client"/>'s options.</summary>
    public CastoViewer(CastoClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = client.Options.TimeProvider;
        _logger = (client.Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CastoViewer>();
    }

    /// <summary>The session while <see cref="State"/> is <see cref="CastoViewerState.Watching"/>; otherwise null.</summary>
    public CastoMedia? Media => Volatile.Read(ref _media);

    /// <summary>What the viewer is doing.</summary>
    public CastoViewerState State { get; private set; }

    /// <summary>The last join failure (<see cref="CastoError.StreamNotFound"/> while retrying), or null.</summary>
    public CastoException? LastError { get; private set; }

    /// <summary>Raised (on a pool thread) each time a session starts: read its frames, record it.</summary>
    public event EventHandler<CastoMedia>? Started;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        State = CastoViewerState.Joining;
        _running = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                State = CastoViewerState.Joining;
                var media = await _client.StartAsync(cancellationToken).ConfigureAwait(false);
                await using (media.ConfigureAwait(false))
                {
                    Volatile.Write(ref _media, media);
                    (State, LastError, delay) = (CastoViewerState.Watching, null, TimeSpan.FromSeconds(1));
                    RaiseStarted(media);
                    await media.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _media, null);
                }
            }
            catch (CastoException ex) when (ex.Error is CastoError.StreamNotFound or CastoError.SignalUnreachable)
            {
                LastError = ex;
                LogRetry(_logger, ex.Error, delay.TotalSeconds);
            }
            catch (CastoException ex)
            {
                (LastError, State) = (ex, CastoViewerState.Failed);
                LogFailed(_logger, ex);
                return;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            finally
            {
                Volatile.Write(ref _media, null);
            }

            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }

        State = CastoViewerState.Stopped;
    }

    private void RaiseStarted(CastoMedia media)
    {
        try
        {
            Started?.Invoke(this, media);
        }
#pragma warning disable CA1031 // a subscriber's exception must not stop the viewer
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, nameof(Started), ex);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false); // the session leaves gracefully inside
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _running.ConfigureAwait(false);
            _stop.Dispose();
            _stop = null;
        }
    }

    [LoggerMessage(EventId = 900_010, Level = LogLevel.Information, Message = "Casto viewer: {Error}; trying again in {Seconds} s")]
    private static partial void LogRetry(ILogger logger, CastoError error, double seconds);

    [LoggerMessage(EventId = 900_011, Level = LogLevel.Error, Message = "Casto viewer stopped")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
