// Spec: docs/signal-protocol.md (Casto star signalling, JSON text frames over WebSocket)
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Casto.Discovery.Signal;

/// <summary>
/// Reads and writes one signalling frame: a UTF-8 JSON object with a <c>type</c> member.
/// Pure and synchronous; unknown members are skipped (forward compatible), anything malformed raises
/// <see cref="SignalException"/> with <see cref="SignalError.BadMessage"/>.
/// </summary>
internal static partial class SignalCodec
{
    /// <summary>Most addresses in one join or member entry.</summary>
    public const int MaxAddrs = 16;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 4 };

    // Frames never end up in HTML: keep non-ASCII as UTF-8 so a relayed frame is no larger than the one received.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses one frame.</summary>
    public static SignalMessage Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, ReaderOptions);
            var message = ReadMessage(ref reader);
            if (reader.Read())
            {
                throw Bad("trailing data after the message");
            }

            return message;
        }
        catch (JsonException ex)
        {
            throw new SignalException(SignalError.BadMessage, "malformed JSON: " + ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new SignalException(SignalError.BadMessage, "malformed JSON value: " + ex.Message, ex);
        }
    }

    /// <summary>Writes one frame.</summary>
    public static void Write(SignalMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("type"u8, SignalNames.Of(message.Type));
        if (message.Id is { } id)
        {
            writer.WriteNumber("id"u8, id);
        }

        WriteString(writer, "nonce"u8, message.Nonce);
        WriteString(writer, "server"u8, message.Server);
        WriteString(writer, "peerId"u8, message.PeerId);
        WriteString(writer, "publicKey"u8, message.PublicKey);
        WriteString(writer, "signature"u8, message.Signature);
        WriteString(writer, "room"u8, message.Room);
        if (message.Addrs is { } addrs)
        {
            WriteArray(writer, "addrs"u8, addrs);
        }

        if (message.RoomNames is { } rooms)
        {
            WriteArray(writer, "rooms"u8, rooms);
        }

        if (message.Members is { } members)
        {
            writer.WriteStartArray("members"u8);
            foreach (var member in members)
            {
                writer.WriteStartObject();
                writer.WriteString("peerId"u8, member.PeerId);
                WriteArray(writer, "addrs"u8, member.Addrs);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteString(writer, "to"u8, message.To);
        WriteString(writer, "from"u8, message.From);
        WriteString(writer, "kind"u8, message.Kind is { } kind ? SignalNames.Of(kind) : null);
        WriteString(writer, "data"u8, message.Data);
        WriteString(writer, "code"u8, message.Code is { } code ? SignalNames.Of(code) : null);
        WriteString(writer, "message"u8, message.Message);
        if (message.HeartbeatMs is { } heartbeat)
        {
            writer.WriteNumber("heartbeatMs"u8, heartbeat);
        }

        if (message.ExpiresMs is { } expires)
        {
            writer.WriteNumber("expiresMs"u8, expires);
        }

        if (message.RatePerSecond is { } rate)
        {
            writer.WriteNumber("ratePerSecond"u8, rate);
        }

        if (message.RateBurst is { } burst)
        {
            writer.WriteNumber("rateBurst"u8, burst);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes one frame into a new array (for frames queued to several peers).</summary>
    public static byte[] Encode(SignalMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteString(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteArray(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static SignalException Bad(string message) => new(SignalError.BadMessage, message);
}
