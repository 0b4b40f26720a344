// Spec: https://www.rfc-editor.org/rfc/rfc9443#section-3 (non-STUN traffic on the ICE 5-tuple goes to the upper layers)
using System.Net;
using Casto.WebRtc.Demux;

namespace Casto.WebRtc.Ice;

/// <summary>
/// A non-STUN datagram (DTLS, RTP, RTCP, …) received on a validated pair. The bytes live in a pooled buffer:
/// the consumer must call <see cref="Dispose"/> exactly once when done, and not use <see cref="Data"/> afterwards.
/// </summary>
internal readonly struct IceDatagram : IDisposable
{
    private readonly byte[] _buffer;
    private readonly IceBufferPool _pool;

    internal IceDatagram(IceBufferPool pool, byte[] buffer, int length, IPEndPoint remoteEndPoint, PacketKind kind, long receivedAt = 0)
    {
        _pool = pool;
        ReceivedAt = receivedAt;
        _buffer = buffer;
        Length = length;
        RemoteEndPoint = remoteEndPoint;
        Kind = kind;
    }

    public int Length { get; }

    /// <summary>When it came off the socket (<see cref="IceOptions.TimeProvider"/> timestamp), 0 when unknown.</summary>
    public long ReceivedAt { get; }

    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>RFC 7983/9443 classification of the first byte.</summary>
    public PacketKind Kind { get; }

    public ReadOnlyMemory<byte> Data => _buffer.AsMemory(0, Length);

    /// <summary>The bytes, writable: the consumer owns the buffer and may decrypt in place.</summary>
    public Span<byte> Writable => _buffer.AsSpan(0, Length);

    public void Dispose()
    {
        if (_buffer is not null)
        {
            _pool.Return(_buffer);
        }
    }
}
