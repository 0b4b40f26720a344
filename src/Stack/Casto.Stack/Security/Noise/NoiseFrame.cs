// Spec: https://github.com/libp2p/specs/blob/master/noise/README.md#wire-format
using System.Buffers;
using System.Buffers.Binary;

namespace Casto.Stack.Security.Noise;

/// <summary>
/// The noise-libp2p framing of every handshake and transport message:
/// <code>
/// | noise_message_len | noise_message   |
/// |-------------------|-----------------|
/// | 2 bytes           | variable length |
/// </code>
/// <c>noise_message_len</c> is a 16-bit big-endian unsigned integer, so a message is at most 65535 bytes;
/// a transport message is an AEAD ciphertext: up to 65519 bytes of plaintext plus the 16-byte tag.
/// Pure and synchronous: no I/O, no allocation.
/// </summary>
internal static class NoiseFrame
{
    /// <summary>Size of the length prefix.</summary>
    public const int HeaderSize = 2;

    /// <summary>Largest <c>noise_message</c> (the Noise spec's 65535-byte message limit).</summary>
    public const int MaxMessageSize = ushort.MaxValue;

    /// <summary>The ChaChaPoly authentication tag appended to every ciphertext.</summary>
    public const int TagSize = 16;

    /// <summary>Largest plaintext of one transport message.</summary>
    public const int MaxPlaintextSize = MaxMessageSize - TagSize;

    /// <summary>
    /// Reads one frame. Returns false (consuming nothing) until the whole frame is buffered; the length
    /// prefix caps what a caller must buffer at <see cref="HeaderSize"/> + <see cref="MaxMessageSize"/> bytes.
    /// </summary>
    /// <param name="buffer">Bytes received so far.</param>
    /// <param name="message">The <c>noise_message</c>, a slice of <paramref name="buffer"/>.</param>
    /// <param name="consumed">The position just after the frame.</param>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> message, out SequencePosition consumed)
    {
        if (buffer.Length < HeaderSize)
        {
            message = default;
            consumed = buffer.Start;
            return false;
        }

        var first = buffer.FirstSpan;
        int length;
        if (first.Length >= HeaderSize)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(first);
        }
        else
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            buffer.Slice(0, HeaderSize).CopyTo(header);
            length = BinaryPrimitives.ReadUInt16BigEndian(header);
        }

        if (buffer.Length - HeaderSize < length)
        {
            message = default;
            consumed = buffer.Start;
            return false;
        }

        message = buffer.Slice(HeaderSize, length);
        consumed = message.End;
        return true;
    }

    /// <summary>Writes the length prefix of a <paramref name="messageLength"/>-byte message.</summary>
    public static void WriteHeader(Span<byte> destination, int messageLength)
    {
        if ((uint)messageLength > MaxMessageSize)
        {
            throw new NoiseException(NoiseError.FrameTooLarge, $"A Noise message is at most {MaxMessageSize} bytes, not {messageLength}.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)messageLength);
    }
}
