namespace Casto.WebRtc.Stun;

/// <summary>What was wrong with a STUN message.</summary>
public enum StunError
{
    /// <summary>The message looks like STUN (magic cookie present) but its framing is broken: truncated, an attribute overruns the message, bad padding.</summary>
    Malformed,
    /// <summary>An attribute value has the wrong size or content for its type (address family, error class, …).</summary>
    InvalidAttribute,
    /// <summary>MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 is missing where it is required.</summary>
    MissingIntegrity,
    /// <summary>MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 does not match the key.</summary>
    IntegrityMismatch,
    /// <summary>FINGERPRINT is missing where it is required.</summary>
    MissingFingerprint,
    /// <summary>FINGERPRINT does not match the message.</summary>
    FingerprintMismatch,
    /// <summary>The destination buffer is too small for the message being written.</summary>
    BufferTooSmall,
}

/// <summary>Thrown by the STUN codec; <see cref="Error"/> says why.</summary>
public sealed class StunException : IOException
{
    /// <summary>Creates the exception.</summary>
    public StunException(StunError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public StunError Error { get; }
}
