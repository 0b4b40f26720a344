using Casto.Relay.Forwarding;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.Relay.Tree;

/// <summary>
/// Watches a stream a node carries, the way a local viewer would: once the node receives it, a receive-only
/// connection from the node's own forwarding node (like a WHEP session) whose VP8 frames are counted (and handed to
/// <see cref="FrameReceived"/>). When that connection ends it is made again. Counts survive parent changes, since
/// the node keeps the player's numbering continuous.
/// </summary>
public sealed class TreePlayer : IAsyncDisposable
{
    private readonly ForwardingNode _node;
    private readonly string _stream;
    private readonly Vp8ReceiveStats _video;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _playing;
    private readonly TimeProvider _time;
    private RtcPeerConnection? _connection;
    private long _lost;

    /// <summary>Starts playing <paramref name="stream"/> from <paramref name="node"/> (waits for the stream to have a source).</summary>
    public TreePlayer(ForwardingNode node, string stream, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        (_node, _stream, _time) = (node, stream, timeProvider ?? TimeProvider.System);
        _video = new Vp8ReceiveStats(_time);
        Started = _time.GetTimestamp();
        _playing = Task.Run(() => PlayAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>A whole VP8 frame (valid during the call; on the connection's receive thread).</summary>
    public event Action<ReadOnlyMemory<byte>, RtpHeader>? FrameReceived;

    /// <summary>Whole frames so far.</summary>
    public long Frames => _video.Frames;

    /// <summary>Of those, key frames.</summary>
    public long Keyframes => _video.Keyframes;

    /// <summary>From the player's start to its first whole frame; null before one.</summary>
    public TimeSpan? FirstFrameAfter => _video.FirstFrameTimestamp is { } at ? _time.GetElapsedTime(Started, at) : null;

    /// <summary>Packets the player's connections counted as lost (RTCP receiver statistics).</summary>
    public long PacketsLost => Interlocked.Read(ref _lost) + (Volatile.Read(ref _connection)?.GetStats().PacketsLost ?? 0);

    private long Started { get; }

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
                await ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PeerConnectionException or ForwardingException)
            {
                await DelayQuietlyAsync(cancellationToken).ConfigureAwait(false); // between parents: again shortly
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
                    Interlocked.Add(ref _lost, player.GetStats().PacketsLost);
                    await player.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async Task DelayQuietlyAsync(CancellationToken cancellationToken)
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
        if (RtpPacket.TryRead(packet, out RtpHeader header, out ReadOnlySpan<byte> payload) && _video.TryAdd(header, payload, out ReadOnlyMemory<byte> frame))
        {
            FrameReceived?.Invoke(frame, header);
        }
    }

    /// <summary>Stops playing.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _playing.ConfigureAwait(false);
        _video.Dispose();
        _stop.Dispose();
    }
}
