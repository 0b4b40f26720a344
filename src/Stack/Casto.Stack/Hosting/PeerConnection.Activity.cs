namespace Casto.Stack.Hosting;

/// <content>What the connection manager looks at: age, open streams, last stream activity, and whether it is closing.</content>
public sealed partial class PeerConnection
{
    private readonly long _openedAt;
    private long _lastActivity;
    private int _openStreams;
    private int _closing;

    /// <summary>
    /// Streams open on this connection: inbound ones being negotiated or handled, outbound ones not yet disposed or
    /// reset. A connection with none is idle for the connection manager.
    /// </summary>
    public int OpenStreams => Volatile.Read(ref _openStreams);

    /// <summary>
    /// True once the connection is closing (by the connection manager, <see cref="CloseAsync"/>, or the remote's
    /// go-away) or has ended: no new stream can be opened on it, and the host no longer hands it out for reuse.
    /// </summary>
    public bool IsClosing => Volatile.Read(ref _closing) != 0 || !_muxed.CanOpenStreams || Completion.IsCompleted;

    /// <summary>When the connection was registered (a <see cref="TimeProvider"/> timestamp of the host's clock).</summary>
    internal long OpenedAt => _openedAt;

    /// <summary>When a stream last opened or closed (or the connection opened), a timestamp of the host's clock.</summary>
    internal long LastActivity => Interlocked.Read(ref _lastActivity);

    internal void StreamOpened()
    {
        Interlocked.Increment(ref _openStreams);
        Touch();
    }

    internal void StreamClosed()
    {
        Interlocked.Decrement(ref _openStreams);
        Touch();
    }

    /// <summary>Marks the connection closing; true for the first caller only.</summary>
    internal bool TryBeginClosing() => Interlocked.Exchange(ref _closing, 1) == 0;

    private void Touch() => Interlocked.Exchange(ref _lastActivity, _host.Options.TimeProvider.GetTimestamp());
}
