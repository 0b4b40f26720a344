using Casto.Relay.Tree;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.Relay.Demo;

public static partial class LocalDemo
{
    /// <summary>A tree peer that joins (and relays), with a player: a local connection from its own node counting whole frames.</summary>
    private sealed class Viewer : IAsyncDisposable
    {
        private readonly int _number;
        private readonly string _stream;
        private readonly TreePeer _peer;
        private readonly TreeMembership _membership;
        private readonly long _started = TimeProvider.System.GetTimestamp();
        private readonly Vp8ReceiveStats _video = new();
        private readonly CancellationTokenSource _stop = new();
        private RtcPeerConnection? _player;
        private Task _starting = Task.CompletedTask;
        private long _lastFrames;
        private long _lastAt = TimeProvider.System.GetTimestamp();

        private Viewer(int number, string stream, TreePeer peer, TreeMembership membership) => (_number, _stream, _peer, _membership) = (number, stream, peer, membership);

        public int RecoveryCount => _membership.Recoveries.Count;

        public DemoViewerStatus Status
        {
            get
            {
                long now = TimeProvider.System.GetTimestamp();
                long frames = _video.Frames;
                double seconds = TimeProvider.System.GetElapsedTime(_lastAt, now).TotalSeconds;
                double fps = seconds > 0 ? Math.Round((frames - _lastFrames) / seconds, 1) : 0;
                (_lastFrames, _lastAt) = (frames, now);
                TreeStreamStatus? tree = _peer.Tree.GetStatus(_stream);
                string state = frames == 0 ? "joining" : tree?.Parent is null ? "lost" : "watching";
                IReadOnlyList<TimeSpan> recoveries = _membership.Recoveries;
                return new DemoViewerStatus(
                    _number, _peer.PeerId.ToString(), state, frames, _video.Keyframes,
                    _video.FirstFrameTimestamp is { } at ? Math.Round(TimeProvider.System.GetElapsedTime(_started, at).TotalMilliseconds, 1) : null,
                    tree?.Depth ?? -1, tree?.Parent?.ToString(), fps, tree?.ParentChanges ?? 0,
                    recoveries.Count > 0 ? Math.Round(recoveries[^1].TotalMilliseconds, 1) : null);
            }
        }

        public static async Task<Viewer> StartAsync(int number, LocalDemoOptions options, TreeCandidate root, CancellationToken cancellationToken)
        {
            var peer = await TreePeer.StartAsync(PeerOptions(options), cancellationToken).ConfigureAwait(false);
            var viewer = new Viewer(number, options.Room, peer, peer.Tree.Join(options.Room, [root]));
            viewer._starting = Task.Run(() => viewer.StartPlayerAsync(viewer._stop.Token), CancellationToken.None);
            return viewer;
        }

        /// <summary>Once the node receives the stream: a receive-only connection from it to this player (again if it ends).</summary>
        private async Task StartPlayerAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    while (_peer.Forwarding.GetStream(_stream)?.Source is null)
                    {
                        await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                    }

                    var player = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly, Audio = false, ReceiveQueueCapacity = 0 });
                    var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    player.ConnectionStateChanged += (_, state) =>
                    {
                        if (state is RtcPeerConnectionState.Closed or RtcPeerConnectionState.Failed)
                        {
                            ended.TrySetResult();
                        }
                    };
                    player.RtpReceived += (_, packet) =>
                    {
                        if (RtpPacket.TryRead(packet, out RtpHeader header, out ReadOnlySpan<byte> payload))
                        {
                            _video.TryAdd(header, payload, out ReadOnlyMemory<byte> _);
                        }
                    };
                    Volatile.Write(ref _player, player);
                    string offer = await player.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
                    player.SetLocalDescription(RtcSdpType.Offer, offer);
                    var session = await _peer.Forwarding.SubscribeAsync(_stream, offer, cancellationToken).ConfigureAwait(false);
                    player.SetRemoteDescription(RtcSdpType.Answer, session.Answer);
                    await ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is PeerConnectionException or Forwarding.ForwardingException)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false); // the node is between parents: try again
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                finally
                {
                    if (Interlocked.Exchange(ref _player, null) is { } old)
                    {
                        await old.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _starting.ConfigureAwait(false);

            await _peer.DisposeAsync().ConfigureAwait(false);
            _video.Dispose();
            _stop.Dispose();
        }
    }
}
