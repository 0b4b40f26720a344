// Spec: https://www.rfc-editor.org/rfc/rfc3550#section-5.1 (RTP fixed header fields)
using System.Buffers.Binary;

namespace Casto.WebRtc.PeerConnection;

/// <summary>
/// Header fields to change on a packet as it is sent (<see cref="RtcPeerConnection.TrySendRtp(ReadOnlySpan{byte}, in RtcRtpRewrite)"/>):
/// the SSRC and payload type replaced, the sequence number and timestamp shifted by fixed offsets (mod 2^16 / 2^32).
/// A relay uses it to give each child one continuous stream under the child's own SSRC whatever its source does.
/// </summary>
public readonly struct RtcRtpRewrite
{
    private readonly bool _set;

    /// <summary>A rewrite to <paramref name="ssrc"/> and <paramref name="payloadType"/> with the given offsets.</summary>
    public RtcRtpRewrite(uint ssrc, int payloadType, ushort sequenceOffset, uint timestampOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadType);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, 127);
        Ssrc = ssrc;
        PayloadType = (byte)payloadType;
        SequenceOffset = sequenceOffset;
        TimestampOffset = timestampOffset;
        _set = true;
    }

    /// <summary>The SSRC written into the packet.</summary>
    public uint Ssrc { get; }

    /// <summary>The payload type written into the packet (the marker bit is kept).</summary>
    public byte PayloadType { get; }

    /// <summary>Added to the sequence number.</summary>
    public ushort SequenceOffset { get; }

    /// <summary>Added to the timestamp.</summary>
    public uint TimestampOffset { get; }

    /// <summary>True for <c>default</c>: the packet is sent as it is.</summary>
    public bool IsIdentity => !_set;

    /// <summary>Rewrites the fixed header of <paramref name="packet"/> (at least 12 bytes) in place.</summary>
    internal void Apply(Span<byte> packet)
    {
        if (!_set)
        {
            return;
        }

        packet[1] = (byte)((packet[1] & 0x80) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) + SequenceOffset));
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], BinaryPrimitives.ReadUInt32BigEndian(packet[4..]) + TimestampOffset);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], Ssrc);
    }
}
