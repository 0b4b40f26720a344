using System.Net;

namespace Casto.Discovery.Dns;

/// <summary>
/// A question (RFC 1035 §4.1.2): QNAME, QTYPE, QCLASS. <paramref name="Class"/> keeps the mDNS
/// unicast-response bit (<see cref="DnsClass.TopBit"/>).
/// </summary>
public sealed record DnsQuestion(string Name, DnsRecordType Type, ushort Class = DnsClass.Internet);

/// <summary>
/// A resource record (RFC 1035 §4.1.3).
/// <code>
/// NAME (labels or pointer) | TYPE (16) | CLASS (16) | TTL (32) | RDLENGTH (16) | RDATA
/// </code>
/// <see cref="Class"/> keeps the mDNS cache-flush bit (<see cref="DnsClass.TopBit"/>); a TTL of 0 is an mDNS goodbye.
/// </summary>
public abstract record DnsRecord(string Name, uint Ttl, ushort Class)
{
    /// <summary>The record type on the wire.</summary>
    public abstract DnsRecordType Type { get; }
}

/// <summary>PTR: <see cref="DnsRecord.Name"/> points at <paramref name="Target"/> (DNS-SD: service type → instance).</summary>
public sealed record DnsPtrRecord(string Name, uint Ttl, string Target, ushort Class = DnsClass.Internet) : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc />
    public override DnsRecordType Type => DnsRecordType.Ptr;
}

/// <summary>TXT: one or more character strings of up to 255 bytes each (RFC 1035 §3.3.14, RFC 6763 §6).</summary>
public sealed record DnsTxtRecord(string Name, uint Ttl, IReadOnlyList<ReadOnlyMemory<byte>> Strings, ushort Class = DnsClass.Internet)
    : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc />
    public override DnsRecordType Type => DnsRecordType.Txt;

    /// <summary>Builds a TXT record from UTF-8 strings.</summary>
    public static DnsTxtRecord FromStrings(string name, uint ttl, IEnumerable<string> strings, ushort @class = DnsClass.Internet) =>
        new(name, ttl, [.. strings.Select(s => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(s))], @class);

    /// <summary>The strings decoded as UTF-8.</summary>
    public IEnumerable<string> Texts => Strings.Select(s => System.Text.Encoding.UTF8.GetString(s.Span));

    /// <inheritdoc />
    public bool Equals(DnsTxtRecord? other) =>
        other is not null && base.Equals(other) && Strings.Count == other.Strings.Count
        && Strings.Zip(other.Strings).All(p => p.First.Span.SequenceEqual(p.Second.Span));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Strings.Count);
}

/// <summary>A or AAAA: a host address (RFC 1035 §3.4.1, RFC 3596).</summary>
public sealed record DnsAddressRecord(string Name, uint Ttl, IPAddress Address, ushort Class = DnsClass.Internet) : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc />
    public override DnsRecordType Type =>
        Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? DnsRecordType.Aaaa : DnsRecordType.A;
}

/// <summary>SRV: where a service instance runs (RFC 2782).</summary>
public sealed record DnsSrvRecord(string Name, uint Ttl, ushort Priority, ushort Weight, ushort Port, string Target, ushort Class = DnsClass.Internet)
    : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc />
    public override DnsRecordType Type => DnsRecordType.Srv;
}

/// <summary>Any other type, with its RDATA kept as bytes (names inside are not decompressed).</summary>
public sealed record DnsRawRecord(string Name, uint Ttl, DnsRecordType RawType, ReadOnlyMemory<byte> Data, ushort Class = DnsClass.Internet)
    : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc />
    public override DnsRecordType Type => RawType;

    /// <inheritdoc />
    public bool Equals(DnsRawRecord? other) =>
        other is not null && base.Equals(other) && RawType == other.RawType && Data.Span.SequenceEqual(other.Data.Span);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), RawType, Data.Length);
}
