// Spec: docs/signal-protocol.md#tunnels (Casto's byte tunnels through a star signal server, carried in `opaque` signals)
using System.Buffers;
using Casto.Stack.Multiformats;

namespace Casto.Discovery.Signal.Tunnel;

/// <summary>What a <see cref="TunnelFrame"/> does.</summary>
internal enum TunnelFrameType : byte
{
    /// <summary>The opener asks for a new tunnel.</summary>
    Open = 1,
    /// <summary>The listener took the tunnel.</summary>
    Accept = 2,
    /// <summary>Bytes of the tunnel, in order.</summary>
    Data = 3,
    /// <summary>The sender will send no more data (a half-close).</summary>
    Fin = 4,
    /// <summary>The tunnel is gone (refused, aborted, over a limit); the payload is a UTF-8 reason.</summary>
    Reset = 5,
}

/// <summary>
/// One tunnel frame: the binary content of an <c>opaque</c> signal's <c>data</c> (base64 there).
/// <code>
///  0               1               2
///  0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 ...
/// +---------------+-+-------------+---------------------+-----------------
/// |  magic 0xCA   |O|  type (7)   | tunnel id (uvarint) | payload ...
/// +---------------+-+-------------+---------------------+-----------------
///  O: set when the sender is the peer that opened the tunnel (ids are the opener's: each side numbers its own).
/// </code>
/// Pure and synchronous: <see cref="TryRead"/> never allocates (the payload is a slice of the input).
/// </summary>
internal readonly ref struct TunnelFrame
{
    public const byte Magic = 0xCA;

    /// <summary>Largest tunnel id (ids are 31-bit).</summary>
    public const uint MaxId = int.MaxValue;

    /// <summary>Largest reason carried by a reset.</summary>
    public const int MaxReasonBytes = 256;

    public TunnelFrame(TunnelFrameType type, bool fromOpener, uint id, ReadOnlySpan<byte> payload)
    {
        Type = type;
        FromOpener = fromOpener;
        Id = id;
        Payload = payload;
    }

    public TunnelFrameType Type { get; }

    public bool FromOpener { get; }

    public uint Id { get; }

    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Header bytes before the payload for tunnel <paramref name="id"/>.</summary>
    public static int HeaderSize(uint id) => 2 + VarInt.GetSize(id);

    /// <summary>
    /// Reads a whole frame (the input is one signal's decoded data). False for anything that is not a valid tunnel
    /// frame: another magic, an unknown type, a bad or too large id, a payload on a frame that takes none, a payload
    /// over <paramref name="maxPayload"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, int maxPayload, out TunnelFrame frame)
    {
        frame = default;
        if (source.Length < 3 || source[0] != Magic)
        {
            return false;
        }

        var type = (TunnelFrameType)(source[1] & 0x7F);
        ulong id;
        int consumed;
        try
        {
            if (type is < TunnelFrameType.Open or > TunnelFrameType.Reset || !VarInt.TryRead(source[2..], out id, out consumed) || id > MaxId)
            {
                return false;
            }
        }
        catch (MultiformatsException)
        {
            return false; // a varint too long or not minimal
        }

        ReadOnlySpan<byte> payload = source[(2 + consumed)..];
        int limit = type switch
        {
            TunnelFrameType.Data => maxPayload,
            TunnelFrameType.Reset => MaxReasonBytes,
            _ => 0,
        };
        if (payload.Length > limit || (type == TunnelFrameType.Data && payload.IsEmpty))
        {
            return false;
        }

        frame = new TunnelFrame(type, (source[1] & 0x80) != 0, (uint)id, payload);
        return true;
    }

    /// <summary>Writes the frame.</summary>
    public void Write(IBufferWriter<byte> writer)
    {
        Span<byte> header = writer.GetSpan(HeaderSize(Id));
        header[0] = Magic;
        header[1] = (byte)((byte)Type | (FromOpener ? 0x80 : 0));
        int size = 2 + VarInt.Write(Id, header[2..]);
        writer.Advance(size);
        writer.Write(Payload);
    }

    /// <summary>The frame as the base64 text of an <c>opaque</c> signal.</summary>
    public string ToBase64()
    {
        var buffer = new ArrayBufferWriter<byte>(HeaderSize(Id) + Payload.Length);
        Write(buffer);
        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <summary>True when <paramref name="data"/> (an <c>opaque</c> signal's text) starts like a tunnel frame.</summary>
    public static bool LooksLikeTunnel(string data) => data.Length >= 4 && data[0] == 'y'; // base64 of 0xCA starts with 'y'
}
