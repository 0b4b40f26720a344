namespace Casto.WebRtc.Codecs;

/// <summary>
/// Splits one VP8 frame into RTP payloads of at most <c>maxPayloadSize</c> bytes (RFC 7741 §4.1): every payload
/// gets a descriptor (15-bit picture ID when given), the first has S=1 and PID=0; sizes are balanced so the last
/// packet is not a tiny remainder. The caller sets the RTP marker on the payload where <c>isLast</c> is true.
/// <code>
/// var p = new Vp8Packetizer(frame, 1200, pictureId);
/// while (p.TryWriteNext(buffer, out int n, out bool last)) { ... }
/// </code>
/// </summary>
internal ref struct Vp8Packetizer
{
    private readonly ReadOnlySpan<byte> _frame;
    private readonly int _pictureId;
    private readonly int _chunk;
    private int _offset;

    /// <summary>Prepares to packetize <paramref name="frame"/>; <paramref name="pictureId"/> &lt; 0 omits the picture ID.</summary>
    public Vp8Packetizer(ReadOnlySpan<byte> frame, int maxPayloadSize, int pictureId = -1)
    {
        if (frame.IsEmpty)
        {
            throw new CodecException(CodecError.InvalidInput, "Empty VP8 frame.");
        }

        _frame = frame;
        _pictureId = pictureId < 0 ? -1 : pictureId & 0x7FFF;
        int overhead = Descriptor(true).GetSize();
        int room = maxPayloadSize - overhead;
        if (room < 1)
        {
            throw new CodecException(CodecError.PayloadSizeTooSmall, $"Max payload size {maxPayloadSize} leaves no room after the {overhead}-byte descriptor.");
        }

        int packets = (frame.Length + room - 1) / room;
        _chunk = (frame.Length + packets - 1) / packets;
        PacketCount = packets;
    }

    /// <summary>Number of payloads this frame becomes.</summary>
    public int PacketCount { get; }

    /// <summary>Writes the next payload; false when the frame is done.</summary>
    public bool TryWriteNext(Span<byte> destination, out int written, out bool isLast)
    {
        written = 0;
        isLast = false;
        if (_offset >= _frame.Length)
        {
            return false;
        }

        Vp8PayloadDescriptor descriptor = Descriptor(_offset == 0);
        int take = Math.Min(_chunk, _frame.Length - _offset);
        int size = descriptor.GetSize() + take;
        if (destination.Length < size)
        {
            throw new CodecException(CodecError.BufferTooSmall, "VP8 payload does not fit the destination.");
        }

        int offset = descriptor.Write(destination);
        _frame.Slice(_offset, take).CopyTo(destination[offset..]);
        _offset += take;
        written = size;
        isLast = _offset >= _frame.Length;
        return true;
    }

    private readonly Vp8PayloadDescriptor Descriptor(bool start) =>
        Vp8PayloadDescriptor.None with { StartOfPartition = start, PictureId = _pictureId, LongPictureId = _pictureId >= 0 };
}
