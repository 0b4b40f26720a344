using Casto.Discovery.Signal;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.Relay.Demo;

public static partial class LocalDemo
{
    /// <summary>Answers every viewer's offer with a send-only connection playing the clip (bounded by MaxViewers).</summary>
    private sealed class Broadcaster(SignalClient signal, MediaClip clip) : IAsyncDisposable
    {
        private const int MaxViewers = 32;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<(RtcPeerConnection Connection, Task Sending)> _viewers = [];
        private Task _loop = Task.CompletedTask;

        public async Task StartAsync(string room, CancellationToken cancellationToken)
        {
            await signal.JoinAsync(room, cancellationToken: cancellationToken).ConfigureAwait(false);
            _loop = Task.Run(() => AnswerOffersAsync(_stop.Token), CancellationToken.None);
        }

        private async Task AnswerOffersAsync(CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var e in signal.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (e.Kind == SignalEventKind.Signal && e.SignalKind == SignalKind.Offer && e.Data is { } offer && _viewers.Count < MaxViewers)
                    {
                        await AnswerAsync(e, offer, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task AnswerAsync(SignalEvent e, string offer, CancellationToken cancellationToken)
        {
            var pc = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendOnly, Audio = false });
            try
            {
                pc.SetRemoteDescription(RtcSdpType.Offer, offer);
                string answer = await pc.CreateAnswerAsync(cancellationToken).ConfigureAwait(false);
                pc.SetLocalDescription(RtcSdpType.Answer, answer);
                await signal.SendAsync(e.Peer, SignalKind.Answer, answer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PeerConnectionException or SignalException)
            {
                await pc.DisposeAsync().ConfigureAwait(false);
                return; // a bad offer or a vanished viewer: nothing to play to
            }

            _viewers.Add((pc, Task.Run(() => PlayAsync(pc, cancellationToken), CancellationToken.None)));
        }

        private async Task PlayAsync(RtcPeerConnection pc, CancellationToken cancellationToken)
        {
            try
            {
                await pc.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
                await RtcClipSender.SendAsync(pc, clip, loop: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PeerConnectionException or OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            foreach (var (connection, sending) in _viewers)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                await sending.ConfigureAwait(false);
            }

            await signal.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }
}
