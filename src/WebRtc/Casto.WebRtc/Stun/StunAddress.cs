// Spec: https://www.rfc-editor.org/rfc/rfc8489#section-14.1 (MAPPED-ADDRESS), §14.2 (XOR-MAPPED-ADDRESS)
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Casto.WebRtc.Stun;

/// <summary>
/// The address attribute value shared by MAPPED-ADDRESS and XOR-MAPPED-ADDRESS:
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0 0 0 0 0 0 0|    Family     |         (X-)Port              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 (X-)Address (32 bits or 128 bits)             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Family 0x01 = IPv4, 0x02 = IPv6. The XOR form XORs the port with the top 16 bits of the magic cookie and the
/// address with the magic cookie (IPv4) or the magic cookie followed by the transaction id (IPv6).
/// </summary>
internal static class StunAddress
{
    private const byte FamilyIPv4 = 0x01;
    private const byte FamilyIPv6 = 0x02;

    /// <summary>Encoded size for an address of this family.</summary>
    public static int GetSize(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? 20 : 8;

    /// <summary>Decodes a (XOR-)MAPPED-ADDRESS value; <paramref name="transactionId"/> is empty for the plain form.</summary>
    public static IPEndPoint Read(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId, bool xor)
    {
        if (value.Length < 4)
        {
            throw new StunException(StunError.InvalidAttribute, "Address attribute shorter than 4 bytes.");
        }

        var family = value[1];
        var addressLength = family switch
        {
            FamilyIPv4 => 4,
            FamilyIPv6 => 16,
            _ => throw new StunException(StunError.InvalidAttribute, $"Unknown address family {family}."),
        };
        if (value.Length != 4 + addressLength)
        {
            throw new StunException(StunError.InvalidAttribute, $"Address attribute of {value.Length} bytes for family {family}.");
        }

        int port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        Span<byte> address = stackalloc byte[16];
        address = address[..addressLength];
        value.Slice(4, addressLength).CopyTo(address);
        if (xor)
        {
            port ^= (int)(StunMessage.MagicCookie >> 16);
            XorAddress(address, transactionId);
        }

        return new IPEndPoint(new IPAddress(address), port);
    }

    /// <summary>Encodes <paramref name="endPoint"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, IPEndPoint endPoint, ReadOnlySpan<byte> transactionId, bool xor)
    {
        var v6 = endPoint.AddressFamily == AddressFamily.InterNetworkV6;
        var size = v6 ? 20 : 8;
        if (destination.Length < size)
        {
            throw new StunException(StunError.BufferTooSmall, "No room for an address attribute.");
        }

        destination[0] = 0;
        destination[1] = v6 ? FamilyIPv6 : FamilyIPv4;
        var port = (ushort)endPoint.Port;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], xor ? (ushort)(port ^ (StunMessage.MagicCookie >> 16)) : port);
        var address = destination[4..size];
        if (!endPoint.Address.TryWriteBytes(address, out _))
        {
            throw new StunException(StunError.InvalidAttribute, "Address does not fit its family.");
        }

        if (xor)
        {
            XorAddress(address, transactionId);
        }

        return size;
    }

    private static void XorAddress(Span<byte> address, ReadOnlySpan<byte> transactionId)
    {
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunMessage.MagicCookie);
        if (address.Length == 16)
        {
            if (transactionId.Length != StunMessage.TransactionIdSize)
            {
                throw new StunException(StunError.InvalidAttribute, "An IPv6 XOR address needs the 12-byte transaction id.");
            }

            transactionId.CopyTo(mask[4..]);
        }

        for (var i = 0; i < address.Length; i++)
        {
            address[i] ^= mask[i];
        }
    }
}
