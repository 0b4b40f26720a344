namespace Casto.Relay.Tree;

/// <summary>
/// The silence limit on one control stream, re-armed before each read: one timer for the stream's life rather than two
/// token sources per message (ten messages a second on every link). <see cref="Token"/> is cancelled when the stream's
/// own token is, or when nothing was read for the limit (then <see cref="TimedOut"/>).
/// </summary>
internal sealed class SilenceTimer : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _limit;
    private readonly CancellationToken _outer;

    public SilenceTimer(TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
    {
        (_limit, _outer) = (limit, cancellationToken);
        _timer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>The limit ran out (and the stream's own token was not cancelled: that is an end, not a silence).</summary>
    public bool TimedOut => _timer.IsCancellationRequested && !_outer.IsCancellationRequested;

    /// <summary>The limit counts from now.</summary>
    public void Restart() => _timer.CancelAfter(_limit);

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
