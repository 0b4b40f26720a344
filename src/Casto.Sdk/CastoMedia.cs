using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Casto.Relay.Tree;
using Microsoft.Extensions.Logging;

namespace Casto.Sdk;

/// <summary>
/// A stream being watched (<see cref="CastoClient.StartAsync"/>): this peer is a member of the stream's relay tree,
/// relays it to up to <see cref="CastoOptions.MaxChildren"/> others, and plays it locally: read its frames
/// (<see cref="ReadFramesAsync"/>), record it (<see cref="RecordAsync"/>) or hand its RTP to a player
/// (<see cref="ForwardRtpAsync"/>, <see cref="WriteSdpFile"/>). Parent changes are handled inside: the frame numbering
/// continues. Disposing leaves the tree gracefully (children are handed to new parents first).
/// </summary>
public sealed partial class CastoMedia : IAsyncDisposable
{
    private readonly CastoPeer _peer;
    private readonly TreeMembership _membership;
    private readonly LocalPlayer _player;
    private readonly FrameHub _hub;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _monitor;
    private int _disposed;

    /// <summary>Whether <see cref="DisposeAsync"/> has run.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal CastoMedia(CastoPeer peer, TreeMembership membership)
    {
        (_peer, _membership) = (peer, membership);
        _logger = peer.Loggers.CreateLogger<CastoMedia>();
        _hub = new FrameHub(peer.Options, () => _latencyMs);
        _player = new LocalPlayer(peer.Peer.Forwarding, peer.Stream, peer.Options.TimeProvider);
        _player.Add(_hub);
        _membership.ParentChanged += OnParentChanged;
        _monitor = Task.Run(() => MonitorAsync(_closing.Token), CancellationToken.None);
    }

    /// <summary>The stream.</summary>
    public string Stream => _peer.Stream;

    /// <summary>This peer's id.</summary>
    public string PeerId => _peer.Peer.PeerId.ToString();

    /// <summary>Where this peer can be reached (<c>/ip4/…/tcp/…/p2p/ID</c>): other peers can use them as <see cref="CastoOptions.BootstrapPeers"/>.</summary>
    public IReadOnlyList<string> Addresses => [.. _peer.Peer.Host.ListenAddresses.Select(a => a.WithPeerId(_peer.Peer.PeerId).ToString())];

    /// <summary>The codec of the stream's video.</summary>
    public CastoCodec Codec => _player.Codec == Casto.WebRtc.Codecs.RtcCodec.H264 ? CastoCodec.H264 : CastoCodec.Vp8;

    /// <summary>Completes when the stream has ended (see <see cref="Ended"/>) or this media is disposed.</summary>
    public Task Completion => _ended.Task;

    /// <summary>
    /// The stream's frames, starting at a key frame (the current group of pictures is replayed first, so reading starts
    /// at once; a group longer than the queue is not kept and reading starts at the next key frame), until the stream ends, this media is disposed or
    /// <paramref name="cancellationToken"/> is cancelled (then <see cref="OperationCanceledException"/>). Dispose each
    /// frame. Each call is its own reader with a queue of <see cref="CastoOptions.FrameQueueCapacity"/> frames: when it
    /// falls behind, the oldest queued frame is dropped (counted in <see cref="CastoStats.FramesDropped"/>).
    /// </summary>
    public async IAsyncEnumerable<CastoFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ChannelReader<CastoFrame> reader = _hub.AddReader(out FrameHub.FrameQueue queue);
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out CastoFrame? frame))
                {
                    yield return frame;
                }
            }
        }
        finally
        {
            _hub.RemoveReader(queue);
        }
    }

    internal Task WaitForFirstFrameAsync(CancellationToken cancellationToken) =>
        _hub.FirstFrame.WaitAsync(_peer.Options.JoinTimeout, _peer.Options.TimeProvider, cancellationToken);

    /// <summary>Leaves the tree gracefully (children handed off, at most the tree's hand-off timeout) and closes everything. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _membership.ParentChanged -= OnParentChanged;
        await _closing.CancelAsync().ConfigureAwait(false);
        await _monitor.ConfigureAwait(false);
        _hub.Complete();
        _ended.TrySetResult();
        await _player.DisposeAsync().ConfigureAwait(false);
        await _peer.LeaveAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        _hub.Dispose();
        _closing.Dispose();
        Log.Left(_logger, Stream);
    }
}
