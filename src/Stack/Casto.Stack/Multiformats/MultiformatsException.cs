namespace Casto.Stack.Multiformats;

/// <summary>What was wrong with a multiformats value (varint, multibase, multihash or CID).</summary>
public enum MultiformatsError
{
    /// <summary>The input ended in the middle of a value.</summary>
    Truncated,
    /// <summary>A varint was longer than 9 bytes or exceeded 2^63 - 1.</summary>
    VarIntTooLong,
    /// <summary>A varint was not minimally encoded (a trailing 0x00 group).</summary>
    VarIntNotMinimal,
    /// <summary>The multibase prefix is unknown or unsupported.</summary>
    UnknownMultibase,
    /// <summary>The text contains a character outside the encoding's alphabet, or bad padding.</summary>
    InvalidCharacter,
    /// <summary>The input is larger than the documented limit for this format.</summary>
    TooLarge,
    /// <summary>A multihash is malformed (length mismatch, wrong digest size, trailing bytes).</summary>
    InvalidMultihash,
    /// <summary>A CID is malformed or has an unsupported version.</summary>
    InvalidCid,
}

/// <summary>Thrown when a multiformats value cannot be decoded.</summary>
public sealed class MultiformatsException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public MultiformatsException(MultiformatsError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of error.</summary>
    public MultiformatsError Error { get; }
}
