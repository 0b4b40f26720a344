using Casto.Relay.Forwarding;
using Casto.Relay.Tree;
using Casto.WebRtc.Media;

namespace Casto.Relay.Demo;

public static partial class LocalDemo
{
    /// <summary>The root: a tree peer whose stream's publisher is the built-in clip, played into it over a local connection.</summary>
    private sealed class Broadcaster : IAsyncDisposable
    {
        private readonly string _stream;
        private ClipPublisher? _publisher;
        private readonly UploadMeter _upload = new();

        private Broadcaster(TreePeer peer, string stream) => (Peer, _stream) = (peer, stream);

        public TreePeer Peer { get; }

        /// <summary>Where joiners start (depth and room unknown: learnt on the way, like a discovered peer).</summary>
        public TreeCandidate Candidate => new(Peer.PeerId, Peer.Host.ListenAddresses);

        public static async Task<Broadcaster> StartAsync(LocalDemoOptions options, CancellationToken cancellationToken)
        {
            var peer = await TreePeer.StartAsync(PeerOptions(options), cancellationToken).ConfigureAwait(false);
            var root = new Broadcaster(peer, options.Room);
            try
            {
                var clip = await MediaSources.LoadDefaultVp8Async(cancellationToken).ConfigureAwait(false);
                root._publisher = await ClipPublisher.StartAsync(peer.Forwarding, options.Room, clip, cancellationToken).ConfigureAwait(false);
                peer.Tree.Broadcast(options.Room);
                root._upload.Read(default, TimeProvider.System.GetTimestamp()); // the first report measures from here
                return root;
            }
            catch
            {
                await root.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>Children and upload since the last report.</summary>
        public DemoTreeStatus Status(int relays, int recoveries)
        {
            var video = Peer.Forwarding.GetStream(_stream)?.GetStats().Video ?? default;
            double kbps = _upload.Read(video, TimeProvider.System.GetTimestamp());
            return new DemoTreeStatus(Peer.PeerId.ToString(), Peer.Tree.GetStatus(_stream)?.Children ?? 0, kbps, relays, recoveries);
        }

        public async ValueTask DisposeAsync()
        {
            if (_publisher is not null)
            {
                await _publisher.DisposeAsync().ConfigureAwait(false);
            }

            await Peer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
