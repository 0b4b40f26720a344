// Spec: https://www.rfc-editor.org/rfc/rfc7741#section-4.2 (VP8 payload descriptor), §4.3 (VP8 payload header)
namespace Casto.WebRtc.Codecs;

/// <summary>
/// The VP8 payload descriptor at the start of every VP8 RTP payload:
/// <code>
///       0 1 2 3 4 5 6 7
///      +-+-+-+-+-+-+-+-+
///      |X|R|N|S|R| PID | (REQUIRED)
///      +-+-+-+-+-+-+-+-+
/// X:   |I|L|T|K| RSV   | (OPTIONAL)
///      +-+-+-+-+-+-+-+-+
/// I:   |M| PictureID   | (OPTIONAL)
///      +-+-+-+-+-+-+-+-+
///      |   PictureID   | (when M = 1: 15-bit)
///      +-+-+-+-+-+-+-+-+
/// L:   |   TL0PICIDX   | (OPTIONAL)
///      +-+-+-+-+-+-+-+-+
/// T/K: |TID|Y| KEYIDX  | (OPTIONAL)
///      +-+-+-+-+-+-+-+-+
/// </code>
/// The first partition then starts with the VP8 payload header, whose lowest bit P is 0 for a key frame.
/// </summary>
internal readonly record struct Vp8PayloadDescriptor
{
    /// <summary>N: the frame is not used as a reference.</summary>
    public bool NonReference { get; init; }

    /// <summary>S: the packet starts a partition.</summary>
    public bool StartOfPartition { get; init; }

    /// <summary>PID: partition index (0–7).</summary>
    public byte PartitionId { get; init; }

    /// <summary>Picture ID, or -1 when absent.</summary>
    public int PictureId { get; init; }

    /// <summary>True when the picture ID uses the 15-bit form (M=1).</summary>
    public bool LongPictureId { get; init; }

    /// <summary>TL0PICIDX, or -1 when absent.</summary>
    public int Tl0PicIdx { get; init; }

    /// <summary>Temporal layer index (0–3), or -1 when absent.</summary>
    public int TemporalId { get; init; }

    /// <summary>Y: layer sync bit (meaningful with <see cref="TemporalId"/>).</summary>
    public bool LayerSync { get; init; }

    /// <summary>KEYIDX (0–31), or -1 when absent.</summary>
    public int KeyIndex { get; init; }

    /// <summary>An empty descriptor (no optional fields).</summary>
    public static Vp8PayloadDescriptor None => new() { PictureId = -1, Tl0PicIdx = -1, TemporalId = -1, KeyIndex = -1 };

    /// <summary>Parses the descriptor; <paramref name="vp8Payload"/> is the rest. False for a truncated descriptor or no payload after it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out Vp8PayloadDescriptor descriptor, out ReadOnlySpan<byte> vp8Payload)
    {
        descriptor = None;
        vp8Payload = default;
        if (payload.IsEmpty)
        {
            return false;
        }

        byte b0 = payload[0];
        int offset = 1;
        int pictureId = -1, tl0 = -1, tid = -1, keyIdx = -1;
        bool longId = false, sync = false;
        if ((b0 & 0x80) != 0)
        {
            if (payload.Length < 2)
            {
                return false;
            }

            byte x = payload[1];
            offset = 2;
            if ((x & 0x80) != 0)
            {
                if (offset >= payload.Length)
                {
                    return false;
                }

                longId = (payload[offset] & 0x80) != 0;
                if (longId)
                {
                    if (offset + 1 >= payload.Length)
                    {
                        return false;
                    }

                    pictureId = ((payload[offset] & 0x7F) << 8) | payload[offset + 1];
                    offset += 2;
                }
                else
                {
                    pictureId = payload[offset] & 0x7F;
                    offset++;
                }
            }

            if ((x & 0x40) != 0)
            {
                if (offset >= payload.Length)
                {
                    return false;
                }

                tl0 = payload[offset++];
            }

            if ((x & 0x30) != 0)
            {
                if (offset >= payload.Length)
                {
                    return false;
                }

                byte tk = payload[offset++];
                if ((x & 0x20) != 0)
                {
                    tid = tk >> 6;
                    sync = (tk & 0x20) != 0;
                }

                if ((x & 0x10) != 0)
                {
                    keyIdx = tk & 0x1F;
                }
            }
        }

        if (offset >= payload.Length)
        {
            return false;
        }

        descriptor = new Vp8PayloadDescriptor
        {
            NonReference = (b0 & 0x20) != 0,
            StartOfPartition = (b0 & 0x10) != 0,
            PartitionId = (byte)(b0 & 0x07),
            PictureId = pictureId,
            LongPictureId = longId,
            Tl0PicIdx = tl0,
            TemporalId = tid,
            LayerSync = sync,
            KeyIndex = keyIdx,
        };
        vp8Payload = payload[offset..];
        return true;
    }

    /// <summary>True when the payload starts a key frame: S=1, PID=0 and the VP8 payload header's P bit is 0.</summary>
    public static bool IsKeyframe(ReadOnlySpan<byte> payload) =>
        TryRead(payload, out Vp8PayloadDescriptor d, out ReadOnlySpan<byte> vp8)
        && d.StartOfPartition && d.PartitionId == 0 && (vp8[0] & 0x01) == 0;

    /// <summary>Encoded size.</summary>
    public int GetSize()
    {
        bool extended = PictureId >= 0 || Tl0PicIdx >= 0 || TemporalId >= 0 || KeyIndex >= 0;
        return 1 + (extended ? 1 : 0) + (PictureId >= 0 ? (LongPictureId || PictureId > 127 ? 2 : 1) : 0)
            + (Tl0PicIdx >= 0 ? 1 : 0) + (TemporalId >= 0 || KeyIndex >= 0 ? 1 : 0);
    }

    /// <summary>Writes the descriptor; returns the bytes written.</summary>
    public int Write(Span<byte> destination)
    {
        int size = GetSize();
        if (destination.Length < size)
        {
            throw new CodecException(CodecError.BufferTooSmall, "VP8 descriptor does not fit.");
        }

        bool extended = size > 1;
        destination[0] = (byte)((extended ? 0x80 : 0) | (NonReference ? 0x20 : 0) | (StartOfPartition ? 0x10 : 0) | (PartitionId & 0x07));
        if (!extended)
        {
            return 1;
        }

        destination[1] = (byte)((PictureId >= 0 ? 0x80 : 0) | (Tl0PicIdx >= 0 ? 0x40 : 0) | (TemporalId >= 0 ? 0x20 : 0) | (KeyIndex >= 0 ? 0x10 : 0));
        int offset = 2;
        if (PictureId >= 0)
        {
            if (LongPictureId || PictureId > 127)
            {
                destination[offset++] = (byte)(0x80 | ((PictureId >> 8) & 0x7F));
                destination[offset++] = (byte)PictureId;
            }
            else
            {
                destination[offset++] = (byte)PictureId;
            }
        }

        if (Tl0PicIdx >= 0)
        {
            destination[offset++] = (byte)Tl0PicIdx;
        }

        if (TemporalId >= 0 || KeyIndex >= 0)
        {
            destination[offset++] = (byte)(((Math.Max(TemporalId, 0) & 0x03) << 6) | (LayerSync ? 0x20 : 0) | (Math.Max(KeyIndex, 0) & 0x1F));
        }

        return offset;
    }
}
