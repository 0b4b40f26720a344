namespace Casto.Discovery.Dns;

/// <summary>Limits of the DNS codec; every read and write is checked against them.</summary>
public sealed class DnsOptions
{
    /// <summary>Shared defaults.</summary>
    internal static DnsOptions Default { get; } = new();

    /// <summary>Largest message read or written (default 9,000 bytes, the mDNS limit of RFC 6762 §17).</summary>
    public int MaxMessageSize { get; set; } = 9000;

    /// <summary>Questions per message (default 64).</summary>
    public int MaxQuestions { get; set; } = 64;

    /// <summary>Answer + authority + additional records per message (default 256).</summary>
    public int MaxRecords { get; set; } = 256;

    /// <summary>Character strings per TXT record (default 64).</summary>
    public int MaxTxtStrings { get; set; } = 64;

    /// <summary>Compression pointers followed while reading one name (default 32).</summary>
    public int MaxPointerJumps { get; set; } = 32;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a limit is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, DnsHeader.Size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxMessageSize, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQuestions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTxtStrings, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPointerJumps, 1);
    }
}
