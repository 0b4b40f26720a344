// Spec: https://github.com/libp2p/specs/blob/master/kad-dht/README.md
// Kademlia DHT, protocol /ipfs/kad/1.0.0. This file: framing of the RPC messages.
using System.Buffers;
using System.IO.Pipelines;
using Casto.Stack.Framing;
using Casto.Stack.Multiformats;
using Google.Protobuf;

namespace Casto.Discovery.Kad;

/// <summary>
/// Every RPC message is a protobuf <c>Message</c> prefixed with its length (kad-dht §RPC messages):
/// <code>
/// +------------------+-----------------------------+
/// | length (uvarint) | Message (protobuf, length B) |
/// +------------------+-----------------------------+
/// </code>
/// The length is checked against the maximum before the payload is buffered; an oversized or malformed message
/// is a <see cref="KadException"/> (the caller resets the stream).
/// </summary>
internal static class KadCodec
{
    /// <summary>Parses one message from <paramref name="buffer"/>; false when more bytes are needed.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, int maxSize, out Pb.Message? message, out SequencePosition consumed)
    {
        message = null;
        ReadOnlySequence<byte> payload;
        try
        {
            if (!LengthPrefixed.TryRead(buffer, maxSize, out payload, out consumed))
            {
                return false;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new KadException(ex.InnerException is MultiformatsException ? KadError.MalformedMessage : KadError.MessageTooLarge, ex.Message, ex);
        }

        try
        {
            message = Pb.Message.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new KadException(KadError.MalformedMessage, "Malformed protobuf message.", ex);
        }

        return true;
    }

    /// <summary>Reads one message; null when the stream ended cleanly before a message started.</summary>
    public static async ValueTask<Pb.Message?> ReadAsync(PipeReader reader, int maxSize, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            Pb.Message? message;
            SequencePosition consumed;
            try
            {
                if (TryRead(buffer, maxSize, out message, out consumed))
                {
                    reader.AdvanceTo(consumed);
                    return message;
                }
            }
            catch (KadException)
            {
                reader.AdvanceTo(buffer.Start);
                throw;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return buffer.IsEmpty ? null : throw new KadException(KadError.MalformedMessage, "The stream ended inside a message.");
            }
        }
    }

    /// <summary>Writes one message with its length prefix (not flushed); throws when it exceeds <paramref name="maxSize"/>.</summary>
    public static void Write(Pb.Message message, IBufferWriter<byte> writer, int maxSize)
    {
        var size = message.CalculateSize();
        if (size > maxSize)
        {
            throw new KadException(KadError.MessageTooLarge, $"A message of {size} bytes exceeds the limit of {maxSize}.");
        }

        VarInt.Write((ulong)size, writer);
        message.WriteTo(writer.GetSpan(size)[..size]);
        writer.Advance(size);
    }

    /// <summary>Writes one message and flushes.</summary>
    public static async ValueTask WriteAsync(PipeWriter writer, Pb.Message message, int maxSize, CancellationToken cancellationToken)
    {
        Write(message, writer, maxSize);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
