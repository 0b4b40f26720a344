// Spec: https://www.rfc-editor.org/rfc/rfc8656#section-18 (TURN attributes)
using System.Buffers.Binary;
using System.Net;

namespace Casto.WebRtc.Stun;

/// <summary>TURN attribute accessors (same contract as the STUN ones: false when absent, <see cref="StunException"/> when malformed).</summary>
internal readonly ref partial struct StunMessage
{
    /// <summary>XOR-RELAYED-ADDRESS (§18.5), the allocation's relayed transport address.</summary>
    public bool TryGetXorRelayedAddress(out IPEndPoint? endPoint) => TryGetAddress(StunAttributeType.XorRelayedAddress, xor: true, out endPoint);

    /// <summary>XOR-PEER-ADDRESS (§18.3), the peer of a Data indication or a permission.</summary>
    public bool TryGetXorPeerAddress(out IPEndPoint? endPoint) => TryGetAddress(StunAttributeType.XorPeerAddress, xor: true, out endPoint);

    /// <summary>LIFETIME (§18.2) in seconds, or null.</summary>
    public uint? Lifetime => TryGetAttribute(StunAttributeType.Lifetime, out var v) ? BinaryPrimitives.ReadUInt32BigEndian(v) : null;

    /// <summary>
    /// CHANNEL-NUMBER (§18.1), or null:
    /// <code>
    /// |        Channel Number         |         RFFU = 0              |
    /// </code>
    /// </summary>
    public ushort? ChannelNumber => TryGetAttribute(StunAttributeType.ChannelNumber, out var v) ? BinaryPrimitives.ReadUInt16BigEndian(v) : null;

    /// <summary>
    /// REQUESTED-TRANSPORT (§18.7) protocol number, or null:
    /// <code>
    /// |    Protocol   |                    RFFU                       |
    /// </code>
    /// </summary>
    public byte? RequestedTransport => TryGetAttribute(StunAttributeType.RequestedTransport, out var v) ? v[0] : null;

    /// <summary>DATA (§18.4): the application data of a Send/Data indication (a view into the message).</summary>
    public bool TryGetData(out ReadOnlySpan<byte> data) => TryGetAttribute(StunAttributeType.Data, out data);
}
