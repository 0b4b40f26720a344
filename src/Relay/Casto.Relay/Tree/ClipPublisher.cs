using Casto.Relay.Forwarding;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Media;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.Relay.Tree;

/// <summary>
/// Plays a clip, looped, as the publisher of a stream on a forwarding node in the same process: a local send-only
/// connection answered by <see cref="ForwardingNode.PublishAsync"/>, exactly as a WHIP client would be. A broadcaster's
/// built-in source; a camera or encoder comes in over WHIP instead.
/// </summary>
public sealed class ClipPublisher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly RtcPeerConnection _connection;
    private Task _playing = Task.CompletedTask;

    private ClipPublisher(RtcPeerConnection connection) => _connection = connection;

    /// <summary>Connects to <paramref name="node"/> as <paramref name="stream"/>'s publisher and starts playing <paramref name="clip"/>.</summary>
    /// <exception cref="ForwardingException">The stream already has a publisher, or the node is full or closed.</exception>
    public static async Task<ClipPublisher> StartAsync(ForwardingNode node, string stream, MediaClip clip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(clip);
        var connection = new RtcPeerConnection(new RtcPeerConnectionOptions
        {
            Direction = SdpDirection.SendOnly, Audio = false, ReceiveQueueCapacity = 0,
            VideoCodecs = [string.Equals(clip.Codec, "H264", StringComparison.OrdinalIgnoreCase) ? RtcCodec.H264 : RtcCodec.Vp8],
        });
        var publisher = new ClipPublisher(connection);
        try
        {
            string offer = await connection.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
            connection.SetLocalDescription(RtcSdpType.Offer, offer);
            var session = await node.PublishAsync(stream, offer, cancellationToken).ConfigureAwait(false);
            connection.SetRemoteDescription(RtcSdpType.Answer, session.Answer);
            await connection.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            publisher._playing = Task.Run(() => publisher.PlayAsync(clip, publisher._stop.Token), CancellationToken.None);
            return publisher;
        }
        catch
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task PlayAsync(MediaClip clip, CancellationToken cancellationToken)
    {
        try
        {
            await RtcClipSender.SendAsync(_connection, clip, loop: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or PeerConnectionException)
        {
        }
    }

    /// <summary>Stops playing and closes the connection (the stream loses its publisher).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _playing.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
