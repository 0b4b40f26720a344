using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.Relay.Demo;

public static partial class LocalDemo
{
    /// <summary>Joins the room, offers a receive-only connection to the broadcaster and counts whole frames.</summary>
    private sealed class Viewer : IAsyncDisposable
    {
        private readonly int _number;
        private readonly PrivateKey _key;
        private readonly SignalClient _signal;
        private readonly RtcPeerConnection _pc = new(new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly, Audio = false });
        private readonly CancellationTokenSource _stop = new();
        private readonly long _started = TimeProvider.System.GetTimestamp();
        private readonly Vp8ReceiveStats _video = new();
        private Task _watching = Task.CompletedTask;

        private Viewer(int number, PrivateKey key, SignalClient signal)
        {
            _number = number;
            _key = key;
            _signal = signal;
        }

        public DemoViewerStatus Status => new(
            _number, _key.PeerId.ToString(), _pc.ConnectionState.ToString().ToLowerInvariant(), _video.Frames, _video.Keyframes,
            _video.FirstFrameTimestamp is { } at ? Math.Round(TimeProvider.System.GetElapsedTime(_started, at).TotalMilliseconds, 1) : null);

        public static async Task<Viewer> StartAsync(int number, Multiaddr server, string room, PeerId broadcaster, CancellationToken cancellationToken)
        {
            var key = PrivateKey.Generate();
            SignalClient signal;
            try
            {
                signal = await SignalClient.ConnectAsync(server, key, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                key.Dispose();
                throw;
            }

            var viewer = new Viewer(number, key, signal);
            try
            {
                await viewer._signal.JoinAsync(room, cancellationToken: cancellationToken).ConfigureAwait(false);
                string offer = await viewer._pc.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
                viewer._pc.SetLocalDescription(RtcSdpType.Offer, offer);
                await viewer._signal.SendAsync(broadcaster, SignalKind.Offer, offer, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await viewer.DisposeAsync().ConfigureAwait(false); // nothing of a half-started viewer stays behind
                throw;
            }

            viewer._watching = Task.Run(() => viewer.WatchAsync(broadcaster, viewer._stop.Token), CancellationToken.None);
            return viewer;
        }

        private async Task WatchAsync(PeerId broadcaster, CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var e in _signal.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (e.Kind == SignalEventKind.Signal && e.SignalKind == SignalKind.Answer && e.Peer == broadcaster && e.Data is { } answer)
                    {
                        _pc.SetRemoteDescription(RtcSdpType.Answer, answer);
                        break;
                    }
                }

                await foreach (var packet in _pc.ReadAllRtpAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (RtpPacket.TryRead(packet.Span, out var header, out var payload))
                    {
                        _video.TryAdd(header, payload, out _);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or PeerConnectionException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _watching.ConfigureAwait(false);
            await _pc.DisposeAsync().ConfigureAwait(false);
            await _signal.DisposeAsync().ConfigureAwait(false);
            _video.Dispose();
            _key.Dispose();
            _stop.Dispose();
        }
    }
}
