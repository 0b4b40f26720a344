using Casto.Relay.Forwarding;
using Casto.WebRtc.Codecs;

namespace Casto.Sdk;

/// <summary>Takes a watched stream's RTP packets (on the player connection's receive thread; the span is valid during the call).</summary>
internal interface IPacketSink
{
    /// <summary>One video RTP packet, negotiated as <paramref name="codec"/> with <paramref name="payloadType"/>.</summary>
    void OnPacket(RtcCodec codec, int payloadType, ReadOnlySpan<byte> packet);
}

/// <summary>
/// The local viewer of a stream this peer carries (a <see cref="LocalStreamTap"/>), whose video packets go to every
/// registered <see cref="IPacketSink"/>.
/// </summary>
internal sealed class LocalPlayer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly LocalStreamTap _tap;
    private IPacketSink[] _sinks = [];

    public LocalPlayer(ForwardingNode node, string stream, TimeProvider time) =>
        _tap = new LocalStreamTap(node, stream, OnPacket, time);

    /// <summary>The codec of the current (or last) connection; VP8 before one.</summary>
    public RtcCodec Codec => _tap.Codec;

    /// <summary>The RTP payload type of the current (or last) connection's video.</summary>
    public int PayloadType => _tap.PayloadType;

    /// <summary>Packets lost, over every connection so far.</summary>
    public long PacketsLost => _tap.PacketsLost;

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

    private void OnPacket(RtcCodec codec, int payloadType, ReadOnlySpan<byte> packet)
    {
        foreach (IPacketSink sink in Volatile.Read(ref _sinks))
        {
            sink.OnPacket(codec, payloadType, packet);
        }
    }

    public ValueTask DisposeAsync() => _tap.DisposeAsync();
}
