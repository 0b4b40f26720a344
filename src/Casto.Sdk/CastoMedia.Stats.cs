namespace Casto.Sdk;

public sealed partial class CastoMedia
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private double? _latencyMs;
    private double _fps;

    /// <summary>Raised (on a pool thread) when this peer takes a new parent or loses its parent; see <see cref="Stats"/> for the new one.</summary>
    public event EventHandler? ParentChanged;

    /// <summary>
    /// Raised once (on a pool thread) when the stream has ended: no frame for <see cref="CastoOptions.EndedAfter"/>.
    /// Frame readers then finish and <see cref="RecordAsync"/> and <see cref="ForwardRtpAsync"/> return.
    /// </summary>
    public event EventHandler? Ended;

    /// <summary>Where this peer stands in the tree and what it receives, now.</summary>
    public CastoStats Stats
    {
        get
        {
            TreeStatus status = Status();
            return new CastoStats(
                Stream, status.Depth, status.Parent, status.Children, _hub.Frames, Volatile.Read(ref _fps), _latencyMs,
                _hub.FramesLost, _hub.FramesDropped, _player.PacketsLost, status.ParentChanges, PeerId);
        }
    }

    private readonly record struct TreeStatus(int Depth, string? Parent, int Children, long ParentChanges, double? LatencyMs);

    private TreeStatus Status()
    {
        var s = _peer.Peer.Tree.GetStatus(Stream);
        return s is null ? new TreeStatus(-1, null, 0, 0, null) : new TreeStatus(s.Depth, s.Parent?.ToString(), s.Children, s.ParentChanges, s.LatencyMs);
    }

    private void OnParentChanged(object? sender, EventArgs e)
    {
        try
        {
            ParentChanged?.Invoke(this, EventArgs.Empty);
        }
#pragma warning disable CA1031 // a subscriber's exception must not reach the tree's membership loop
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, nameof(ParentChanged), ex);
        }
    }

    /// <summary>Every tick: the latency estimate, fps over the last second, and whether the stream has ended.</summary>
    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        TimeProvider time = _peer.Options.TimeProvider;
        using var timer = new PeriodicTimer(Tick, time);
        var window = new Queue<(long At, long Frames)>();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long now = time.GetTimestamp();
                _latencyMs = Status().LatencyMs;
                long frames = _hub.Frames;
                window.Enqueue((now, frames));
                while (window.Count > 1 && time.GetElapsedTime(window.Peek().At, now) > TimeSpan.FromSeconds(1.01))
                {
                    window.Dequeue();
                }

                var (firstAt, firstFrames) = window.Peek();
                double seconds = time.GetElapsedTime(firstAt, now).TotalSeconds;
                Volatile.Write(ref _fps, seconds > 0 ? Math.Round((frames - firstFrames) / seconds, 1) : 0);
                long last = _hub.LastFrameAt;
                if (last != 0 && time.GetElapsedTime(last, now) >= _peer.Options.EndedAfter)
                {
                    OnEnded();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnEnded()
    {
        Log.StreamEnded(_logger, Stream, _peer.Options.EndedAfter.TotalSeconds);
        _hub.Complete();
        if (!_ended.TrySetResult())
        {
            return;
        }

        try
        {
            Ended?.Invoke(this, EventArgs.Empty);
        }
#pragma warning disable CA1031 // a subscriber's exception must not end the monitor with a fault
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, nameof(Ended), ex);
        }
    }
}
