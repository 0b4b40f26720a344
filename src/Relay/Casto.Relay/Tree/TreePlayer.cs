using Casto.Relay.Forwarding;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Rtp;

namespace Casto.Relay.Tree;

/// <summary>
/// Watches a stream a node carries, the way a local viewer would: once the node receives it, a receive-only
/// connection from the node's own forwarding node (like a WHEP session) whose VP8 frames are counted (and handed to
/// <see cref="FrameReceived"/>). When that connection ends it is made again. Counts survive parent changes, since
/// the node keeps the player's numbering continuous.
/// </summary>
public sealed class TreePlayer : IAsyncDisposable
{
    private readonly Vp8ReceiveStats _video;
    private readonly TimeProvider _time;
    private readonly LocalStreamTap _tap;

    /// <summary>Starts playing <paramref name="stream"/> from <paramref name="node"/> (waits for the stream to have a source).</summary>
    public TreePlayer(ForwardingNode node, string stream, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        _time = timeProvider ?? TimeProvider.System;
        _video = new Vp8ReceiveStats(_time);
        Started = _time.GetTimestamp();
        _tap = new LocalStreamTap(node, stream, OnPacket, _time);
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
    public long PacketsLost => _tap.PacketsLost;

    private long Started { get; }

    private void OnPacket(RtcCodec codec, int payloadType, ReadOnlySpan<byte> packet)
    {
        if (RtpPacket.TryRead(packet, out RtpHeader header, out ReadOnlySpan<byte> payload) && _video.TryAdd(header, payload, out ReadOnlyMemory<byte> frame))
        {
            FrameReceived?.Invoke(frame, header);
        }
    }

    /// <summary>Stops playing.</summary>
    public async ValueTask DisposeAsync()
    {
        await _tap.DisposeAsync().ConfigureAwait(false);
        _video.Dispose();
    }
}
