namespace Casto.Discovery.Dns;

/// <summary>Resource record types the codec knows (RFC 1035 §3.2.2, RFC 3596, RFC 2782); others are kept raw.</summary>
public enum DnsRecordType : ushort
{
    /// <summary>IPv4 host address.</summary>
    A = 1,
    /// <summary>Domain name pointer.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The RFC 1035 mnemonic.")]
    Ptr = 12,
    /// <summary>Text strings.</summary>
    Txt = 16,
    /// <summary>IPv6 host address.</summary>
    Aaaa = 28,
    /// <summary>Service location.</summary>
    Srv = 33,
    /// <summary>Next secure (mDNS negative responses); kept raw.</summary>
    Nsec = 47,
    /// <summary>Any type (queries only).</summary>
    Any = 255,
}

/// <summary>Class values and the mDNS top bit (RFC 6762 §5.4, §10.2).</summary>
public static class DnsClass
{
    /// <summary>The Internet class.</summary>
    public const ushort Internet = 1;

    /// <summary>Top bit: unicast-response wanted (questions) or cache-flush (records).</summary>
    public const ushort TopBit = 0x8000;
}
