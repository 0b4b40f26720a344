namespace Casto.WebRtc.Codecs;

/// <summary>What went wrong in a packetizer.</summary>
public enum CodecError
{
    /// <summary>The maximum payload size is too small for the descriptor plus one byte of media.</summary>
    PayloadSizeTooSmall,
    /// <summary>The destination span is too small.</summary>
    BufferTooSmall,
    /// <summary>The input frame or access unit is empty or malformed.</summary>
    InvalidInput,
}

/// <summary>Thrown by packetizers for impossible arguments. Depacketizers return false instead.</summary>
public sealed class CodecException : IOException
{
    /// <summary>Creates the exception.</summary>
    public CodecException(CodecError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public CodecError Error { get; }
}
