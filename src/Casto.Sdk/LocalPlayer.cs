using Casto.Relay.Forwarding;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.Sdk;

/// <summary>Takes a watched stream's RTP packets (on the player connection's receive thread; the span is valid during the call).</summary>
internal interface IPacketSink
{
    /// <summary>One video RTP packet, negotiated as <paramref name="codec"/> with <paramref name="payloadType"/>.</summary>
    void OnPacket(RtcCodec codec, int payloadType, ReadOnlySpan<byte> packet);
}

/// <summary>
/// The local viewer of a stream this peer carries: a receive-only connection to the peer's own forwarding node (like a
/// WHEP session; no codec work in the relay path), made again whenever it ends, whose video packets go to every
/// registered <see cref="IPacketSink"/>. The node keeps the numbering continuous across parent changes.
/// </summary>
internal sealed class LocalPlayer : IAsyncDisposable
{
    private readonly ForwardingNode _node;
    private readonly string _stream;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _playing;
    private IPacketSink[] _sinks = [];
    private RtcPeerConnection? _connection;
    private long _lost;

    public LocalPlayer(ForwardingNode node, string stream, TimeProvider time)
    {
        (_node, _stream, _time) = (node, stream, time);
        _playing = Task.Run(() => PlayAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>The codec of the current (or last) connection; VP8 before one.</summary>
    public RtcCodec Codec { get; private set; } = RtcCodec.Vp8;

    /// <summary>The RTP payload type of the current (or last) connection's video.</summary>
    public int PayloadType { get; private set; } = -1;

    /// <summary>Packets lost, over every connection so far.</summary>
    public long PacketsLost => Interlocked.Read(ref _lost) + (Volatile.Read(ref _connection)?.GetStats().PacketsLost ?? 0);

    public void Add(IPacketSink sink)
    {
        lock (_gate)
        {
            _sinks = [.. _sinks, sink];
        }
    }

    public void Remove(IPacketSink sink)
    {
        lock (_gate)
        {
            _sinks = [.. _sinks.Where(s => s != sink)];
        }
    }

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
                string offer = await player.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
                player.SetLocalDescription(RtcSdpType.Offer, offer);
                var session = await _node.SubscribeAsync(_stream, offer, cancellationToken).ConfigureAwait(false);
                player.SetRemoteDescription(RtcSdpType.Answer, session.Answer);
                (Codec, PayloadType) = (player.VideoCodec, player.VideoPayloadType);
                Volatile.Write(ref _connection, player);
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
        if (packet.Length < 12 || (packet[1] & 0x7F) != connection.VideoPayloadType)
        {
            return;
        }

        RtcCodec codec = connection.VideoCodec;
        int payloadType = connection.VideoPayloadType;
        foreach (IPacketSink sink in Volatile.Read(ref _sinks))
        {
            sink.OnPacket(codec, payloadType, packet);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _playing.ConfigureAwait(false);
        _stop.Dispose();
    }
}
