using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.Relay.Forwarding;

/// <summary>One video RTP packet of a tapped stream (valid during the call; on the connection's receive thread).</summary>
/// <param name="codec">The negotiated video codec.</param>
/// <param name="payloadType">Its RTP payload type.</param>
/// <param name="packet">The whole RTP packet.</param>
public delegate void LocalStreamPacketHandler(RtcCodec codec, int payloadType, ReadOnlySpan<byte> packet);

/// <summary>
/// A local viewer of one of a <see cref="ForwardingNode"/>'s streams: once the stream has a source, a receive-only
/// connection from the node (like a WHEP session, no codec work in the relay path) whose video packets go to a
/// handler; made again whenever it ends (between parents, a publisher change). The node keeps the numbering continuous
/// across parent changes, so the handler sees one stream.
/// </summary>
public sealed class LocalStreamTap : IAsyncDisposable
{
    private readonly ForwardingNode _node;
    private readonly string _stream;
    private readonly LocalStreamPacketHandler _onPacket;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _playing;
    private RtcPeerConnection? _connection;
    private long _lost;

    /// <summary>Starts tapping <paramref name="stream"/> (it waits for the stream to have a source).</summary>
    public LocalStreamTap(ForwardingNode node, string stream, LocalStreamPacketHandler onVideoPacket, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(onVideoPacket);
        (_node, _stream, _onPacket, _time) = (node, stream, onVideoPacket, timeProvider ?? TimeProvider.System);
        _playing = Task.Run(() => PlayAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>The codec of the current (or last) connection; VP8 before one.</summary>
    public RtcCodec Codec { get; private set; } = RtcCodec.Vp8;

    /// <summary>The RTP payload type of the current (or last) connection's video; −1 before one.</summary>
    public int PayloadType { get; private set; } = -1;

    /// <summary>Packets the tap's connections counted as lost (RTCP receiver statistics), over every connection so far.</summary>
    public long PacketsLost => Interlocked.Read(ref _lost) + (Volatile.Read(ref _connection)?.GetStats().PacketsLost ?? 0);

    private async Task PlayAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            RtcPeerConnection? player = null;
            try
            {
                while (_node.GetStream(_stream)?.Source is null)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
                }

                player = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly, Audio = false, ReceiveQueueCapacity = 0, TimeProvider = _time });
                var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                player.ConnectionStateChanged += (_, state) =>
                {
                    if (state is RtcPeerConnectionState.Closed or RtcPeerConnectionState.Failed)
                    {
                        ended.TrySetResult();
                    }
                };
                player.RtpReceived += OnPacket;
                Volatile.Write(ref _connection, player);
                string offer = await player.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
                player.SetLocalDescription(RtcSdpType.Offer, offer);
                var session = await _node.SubscribeAsync(_stream, offer, cancellationToken).ConfigureAwait(false);
                player.SetRemoteDescription(RtcSdpType.Answer, session.Answer);
                (Codec, PayloadType) = (player.VideoCodec, player.VideoPayloadType);
                await ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PeerConnectionException or ForwardingException)
            {
                await PauseAsync(cancellationToken).ConfigureAwait(false); // between parents: again shortly
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                Volatile.Write(ref _connection, null);
                if (player is not null)
                {
                    player.RtpReceived -= OnPacket;
                    Interlocked.Add(ref _lost, player.GetStats().PacketsLost);
                    await player.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async Task PauseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnPacket(RtcPeerConnection connection, ReadOnlySpan<byte> packet)
    {
        if (packet.Length >= 12 && (packet[1] & 0x7F) == connection.VideoPayloadType)
        {
            _onPacket(connection.VideoCodec, connection.VideoPayloadType, packet);
        }
    }

    /// <summary>Stops tapping and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _playing.ConfigureAwait(false);
        _stop.Dispose();
    }
}
