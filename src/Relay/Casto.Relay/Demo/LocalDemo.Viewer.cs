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
        private readonly TreePlayer _player;
        private long _lastFrames;
        private long _lastAt = TimeProvider.System.GetTimestamp();

        private Viewer(int number, string stream, TreePeer peer, TreeMembership membership) =>
            (_number, _stream, _peer, _membership, _player) = (number, stream, peer, membership, new TreePlayer(peer.Forwarding, stream));

        public int RecoveryCount => _membership.Recoveries.Count;

        public DemoViewerStatus Status
        {
            get
            {
                long now = TimeProvider.System.GetTimestamp();
                long frames = _player.Frames;
                double seconds = TimeProvider.System.GetElapsedTime(_lastAt, now).TotalSeconds;
                double fps = seconds > 0 ? Math.Round((frames - _lastFrames) / seconds, 1) : 0;
                (_lastFrames, _lastAt) = (frames, now);
                TreeStreamStatus? tree = _peer.Tree.GetStatus(_stream);
                string state = frames == 0 ? "joining" : tree?.Parent is null ? "lost" : "watching";
                IReadOnlyList<TimeSpan> recoveries = _membership.Recoveries;
                return new DemoViewerStatus(
                    _number, _peer.PeerId.ToString(), state, frames, _player.Keyframes,
                    _player.FirstFrameAfter is { } first ? Math.Round(first.TotalMilliseconds, 1) : null, // the player starts as the viewer joins
                    tree?.Depth ?? -1, tree?.Parent?.ToString(), fps, tree?.ParentChanges ?? 0,
                    recoveries.Count > 0 ? Math.Round(recoveries[^1].TotalMilliseconds, 1) : null, tree?.LatencyMs);
            }
        }

        public static async Task<Viewer> StartAsync(int number, LocalDemoOptions options, TreeCandidate root, CancellationToken cancellationToken)
        {
            var peer = await TreePeer.StartAsync(PeerOptions(options), cancellationToken).ConfigureAwait(false);
            return new Viewer(number, options.Room, peer, peer.Tree.Join(options.Room, [root]));
        }

        public async ValueTask DisposeAsync()
        {
            await _player.DisposeAsync().ConfigureAwait(false);
            await _peer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
