namespace Casto.Stack.Identity;

/// <summary>What was wrong with a key, a signature input or a peer id.</summary>
public enum IdentityError
{
    /// <summary>The key protobuf is malformed, not canonical, or too large.</summary>
    InvalidKeyEncoding,
    /// <summary>The key type is not one of RSA, Ed25519, Secp256k1, ECDSA.</summary>
    UnsupportedKeyType,
    /// <summary>The key bytes do not form a valid key of the declared type.</summary>
    InvalidKey,
    /// <summary>The peer id text or bytes are malformed.</summary>
    InvalidPeerId,
    /// <summary>A key file could not be read or written.</summary>
    KeyFile,
}

/// <summary>Thrown when a key or peer id cannot be decoded or used.</summary>
public sealed class IdentityException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public IdentityException(IdentityError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public IdentityError Error { get; }
}
