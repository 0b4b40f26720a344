// Spec: https://www.rfc-editor.org/rfc/rfc1035#section-4.1.1
namespace Casto.Discovery.Dns;

/// <summary>
/// The fixed 12-byte message header.
/// <code>
///                                 1  1  1  1  1  1
///   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |                      ID                       |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |                    QDCOUNT                    |
/// |                    ANCOUNT                    |
/// |                    NSCOUNT                    |
/// |                    ARCOUNT                    |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// </code>
/// </summary>
internal static class DnsHeader
{
    /// <summary>Header length in bytes.</summary>
    public const int Size = 12;

    /// <summary>QR: the message is a response.</summary>
    public const ushort Response = 0x8000;

    /// <summary>AA: authoritative answer (always set in mDNS responses, RFC 6762 §18.4).</summary>
    public const ushort Authoritative = 0x0400;

    /// <summary>TC: truncated.</summary>
    public const ushort Truncation = 0x0200;
}
