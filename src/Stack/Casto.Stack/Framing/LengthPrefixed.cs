// Spec: https://github.com/multiformats/unsigned-varint (uvarint length-prefixed messages, as libp2p protocols use)
using System.Buffers;
using System.IO.Pipelines;
using Casto.Stack.Multiformats;
using Google.Protobuf;

namespace Casto.Stack.Framing;

/// <summary>
/// uvarint-length-prefixed messages:
/// <code>
/// +------------------+-----------------------+
/// | length (uvarint) | payload (length bytes) |
/// +------------------+-----------------------+
/// </code>
/// The length is checked against a maximum before any payload is buffered.
/// </summary>
public static class LengthPrefixed
{
    /// <summary>Reads one message; false when more bytes are needed. Throws <see cref="InvalidDataException"/> when oversized.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, int maxLength, out ReadOnlySequence<byte> payload, out SequencePosition consumed)
    {
        payload = default;
        consumed = buffer.Start;
        ulong length;
        int prefix;
        try
        {
            if (!VarInt.TryRead(buffer, out length, out prefix))
            {
                return false;
            }
        }
        catch (MultiformatsException ex)
        {
            throw new InvalidDataException("Invalid message length prefix.", ex);
        }

        if (length > (ulong)maxLength)
        {
            throw new InvalidDataException($"Message of {length} bytes exceeds the limit of {maxLength}.");
        }

        if (buffer.Length - prefix < (long)length)
        {
            return false;
        }

        payload = buffer.Slice(prefix, (long)length);
        consumed = payload.End;
        return true;
    }

    /// <summary>Reads one protobuf message; null if the stream ended cleanly before one started.</summary>
    public static async ValueTask<T?> ReadMessageAsync<T>(PipeReader reader, MessageParser<T> parser, int maxLength, CancellationToken cancellationToken = default)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(parser);
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                if (TryRead(buffer, maxLength, out var payload, out var consumed))
                {
                    var message = parser.ParseFrom(payload);
                    reader.AdvanceTo(consumed);
                    return message;
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidProtocolBufferException)
            {
                reader.AdvanceTo(buffer.Start);
                throw ex as InvalidDataException ?? new InvalidDataException("Malformed protobuf message.", ex);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return buffer.IsEmpty ? null : throw new InvalidDataException("The stream ended inside a message.");
            }
        }
    }

    /// <summary>Writes one protobuf message with its length prefix (not flushed).</summary>
    public static void WriteMessage(IMessage message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        var size = message.CalculateSize();
        VarInt.Write((ulong)size, writer);
        message.WriteTo(writer.GetSpan(size)[..size]);
        writer.Advance(size);
    }
}
