namespace Casto.Discovery.Dns;

/// <summary>What is wrong with a DNS message.</summary>
public enum DnsError
{
    /// <summary>The message ends in the middle of a header, name or record.</summary>
    Truncated,
    /// <summary>A label is longer than 63 bytes, or uses the reserved 0b01/0b10 length prefixes.</summary>
    InvalidLabel,
    /// <summary>A name is longer than 255 bytes on the wire.</summary>
    NameTooLong,
    /// <summary>A compression pointer points forward, at itself, or too many pointers were followed.</summary>
    InvalidPointer,
    /// <summary>More questions or records than <see cref="DnsOptions"/> allows.</summary>
    TooManyRecords,
    /// <summary>Record data does not match its type (wrong A/AAAA length, TXT too large, bytes left over).</summary>
    InvalidRecordData,
    /// <summary>The encoded message would exceed <see cref="DnsOptions.MaxMessageSize"/>.</summary>
    MessageTooLarge,
}

/// <summary>Thrown by the DNS codec; <see cref="Error"/> says why.</summary>
public sealed class DnsException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public DnsException(DnsError error, string message)
        : base(message) => Error = error;

    /// <summary>The kind of error.</summary>
    public DnsError Error { get; }
}
