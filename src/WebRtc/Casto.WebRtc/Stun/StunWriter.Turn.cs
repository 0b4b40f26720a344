// Spec: https://www.rfc-editor.org/rfc/rfc8656#section-18 (TURN attributes), https://www.rfc-editor.org/rfc/rfc8489#section-14.9 (REALM), §14.10 (NONCE)
using System.Buffers.Binary;
using System.Net;

namespace Casto.WebRtc.Stun;

/// <summary>TURN and long-term-credential attributes.</summary>
internal ref partial struct StunWriter
{
    /// <summary>UDP's protocol number for REQUESTED-TRANSPORT.</summary>
    public const byte TransportUdp = 17;

    public void AddRealm(string realm) => AddString(StunAttributeType.Realm, realm);

    public void AddNonce(string nonce) => AddString(StunAttributeType.Nonce, nonce);

    public void AddLifetime(uint seconds) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(StunAttributeType.Lifetime, 4, out _).Span, seconds);

    /// <summary>REQUESTED-TRANSPORT: protocol number then three RFFU zero bytes.</summary>
    public void AddRequestedTransport(byte protocol)
    {
        var dest = Reserve(StunAttributeType.RequestedTransport, 4, out _).Span;
        dest.Clear();
        dest[0] = protocol;
    }

    /// <summary>CHANNEL-NUMBER: the number then a zero RFFU half.</summary>
    public void AddChannelNumber(ushort channel)
    {
        var dest = Reserve(StunAttributeType.ChannelNumber, 4, out _).Span;
        BinaryPrimitives.WriteUInt16BigEndian(dest, channel);
        dest[2..].Clear();
    }

    public void AddXorPeerAddress(IPEndPoint endPoint) => AddAddress(StunAttributeType.XorPeerAddress, endPoint, xor: true);

    public void AddXorRelayedAddress(IPEndPoint endPoint) => AddAddress(StunAttributeType.XorRelayedAddress, endPoint, xor: true);

    public void AddData(ReadOnlySpan<byte> data) => Add(StunAttributeType.Data, data);
}
