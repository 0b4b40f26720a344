namespace Casto.Stack.Security.Noise;

/// <summary>What went wrong in a Noise handshake or on a Noise-secured connection.</summary>
public enum NoiseError
{
    /// <summary>The handshake could not complete (malformed message, invalid key, the remote went away).</summary>
    HandshakeFailed,
    /// <summary>The remote's identity signature over its static Noise key is invalid.</summary>
    InvalidSignature,
    /// <summary>The remote authenticated as a different peer than the one dialed.</summary>
    PeerIdMismatch,
    /// <summary>A message failed authentication (wrong key, tampered or malformed ciphertext).</summary>
    DecryptionFailed,
    /// <summary>A message or handshake payload exceeds its size limit.</summary>
    FrameTooLarge,
    /// <summary>The connection ended in the middle of a frame or of the handshake.</summary>
    Truncated,
    /// <summary>The handshake did not complete within <see cref="NoiseOptions.HandshakeTimeout"/>.</summary>
    Timeout,
    /// <summary>The handshake payload is not a valid <c>NoiseHandshakePayload</c> or carries an invalid key.</summary>
    InvalidPayload,
    /// <summary>2^64 - 1 messages were sent or received in one direction; the connection must end.</summary>
    NonceExhausted,
}

/// <summary>Thrown by the Noise secure channel (<c>/noise</c>); the underlying connection is aborted with it.</summary>
public sealed class NoiseException : IOException
{
    /// <summary>Creates the exception.</summary>
    public NoiseException(NoiseError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public NoiseError Error { get; }
}
