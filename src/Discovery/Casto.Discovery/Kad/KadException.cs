namespace Casto.Discovery.Kad;

/// <summary>What went wrong in the Kademlia DHT.</summary>
public enum KadError
{
    /// <summary>A message's length prefix exceeds <see cref="KadDhtOptions.MaxMessageSize"/>; the stream is reset.</summary>
    MessageTooLarge,
    /// <summary>A message is not valid protobuf, lacks a required field, or the stream ended inside it.</summary>
    MalformedMessage,
    /// <summary>The remote did not answer within <see cref="KadDhtOptions.RequestTimeout"/>.</summary>
    Timeout,
    /// <summary>The remote could not be dialed or does not speak the protocol.</summary>
    Unreachable,
    /// <summary>A record failed validation (unknown namespace, bad value).</summary>
    InvalidRecord,
    /// <summary>The value, peer or providers were not found.</summary>
    NotFound,
}

/// <summary>The one exception the DHT throws for protocol and network failures.</summary>
public sealed class KadException : IOException
{
    /// <summary>Creates the exception.</summary>
    public KadException(KadError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public KadError Error { get; }
}
