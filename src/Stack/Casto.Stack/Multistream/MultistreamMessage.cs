// Spec: https://github.com/multiformats/multistream-select#protocol
using System.Buffers;
using System.Text;
using Casto.Stack.Framing;
using Casto.Stack.Multiformats;

namespace Casto.Stack.Multistream;

/// <summary>
/// One multistream-select message: a uvarint length, then that many bytes of UTF-8 ending in '\n'.
/// <code>
/// +------------------+-------------------------------+------+
/// | length (uvarint) | protocol id (UTF-8)           | '\n' |
/// +------------------+-------------------------------+------+
///                    |&lt;------------ length ------------------>|
/// </code>
/// Pure codec: no I/O, sizes checked before anything is buffered.
/// </summary>
internal static class MultistreamMessage
{
    /// <summary>Longest message accepted, newline included (js-libp2p: 1024).</summary>
    public const int MaxLength = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Reads one message; false when more bytes are needed. Throws on malformed or oversized input.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, out string text, out SequencePosition consumed)
    {
        text = string.Empty;
        ReadOnlySequence<byte> body;
        try
        {
            if (!LengthPrefixed.TryRead(buffer, MaxLength, out body, out consumed))
            {
                return false;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new MultistreamException(MultistreamError.InvalidMessage, ex.Message, ex);
        }

        if (body.IsEmpty)
        {
            throw new MultistreamException(MultistreamError.InvalidMessage, "Empty message.");
        }

        var length = (int)body.Length;
        Span<byte> bytes = stackalloc byte[length];
        body.CopyTo(bytes);
        if (bytes[^1] != (byte)'\n')
        {
            throw new MultistreamException(MultistreamError.InvalidMessage, "Message does not end with a newline.");
        }

        try
        {
            text = StrictUtf8.GetString(bytes[..^1]);
        }
        catch (DecoderFallbackException ex)
        {
            throw new MultistreamException(MultistreamError.InvalidMessage, "Message is not valid UTF-8.", ex);
        }

        return true;
    }

    /// <summary>Writes <paramref name="text"/> as one message.</summary>
    public static void Write(string text, IBufferWriter<byte> output)
    {
        var length = Encoding.UTF8.GetByteCount(text) + 1;
        if (length > MaxLength)
        {
            throw new ArgumentException($"Protocol id longer than {MaxLength - 1} bytes.", nameof(text));
        }

        VarInt.Write((ulong)length, output);
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(text, span);
        span[length - 1] = (byte)'\n';
        output.Advance(length);
    }

    /// <summary>The <c>ls</c> response: one message whose body is the protocols as messages, then '\n'.</summary>
    public static void WriteList(IEnumerable<string> protocols, IBufferWriter<byte> output)
    {
        var inner = new ArrayBufferWriter<byte>();
        foreach (var protocol in protocols)
        {
            Write(protocol, inner);
        }

        inner.Write("\n"u8);
        VarInt.Write((ulong)inner.WrittenCount, output);
        output.Write(inner.WrittenSpan);
    }
}
