// Spec: https://www.rfc-editor.org/rfc/rfc6184#section-6.2 (non-interleaved mode: single NAL unit and FU-A)
namespace Casto.WebRtc.Codecs;

/// <summary>
/// Packetizes one Annex-B access unit: NAL units that fit go out as single NAL unit packets, larger ones as FU-A
/// fragments (RFC 6184 §5.8). Access unit delimiters (9) and filler data (12) are dropped. The caller sets the
/// RTP marker on the payload where <c>isLast</c> is true. No allocation.
/// </summary>
internal ref struct H264Packetizer
{
    private const int AccessUnitDelimiter = 9;
    private const int FillerData = 12;

    private readonly int _maxPayloadSize;
    private AnnexBReader _reader;
    private ReadOnlySpan<byte> _current;
    private ReadOnlySpan<byte> _next;
    private int _fragmentOffset;

    /// <summary>Prepares to packetize <paramref name="accessUnit"/> (Annex-B) into payloads of at most <paramref name="maxPayloadSize"/> bytes.</summary>
    public H264Packetizer(ReadOnlySpan<byte> accessUnit, int maxPayloadSize)
    {
        if (maxPayloadSize < 3)
        {
            throw new CodecException(CodecError.PayloadSizeTooSmall, "FU-A needs at least 3 bytes per payload.");
        }

        _maxPayloadSize = maxPayloadSize;
        _reader = new AnnexBReader(accessUnit);
        _current = ReadNal();
        _next = ReadNal();
    }

    /// <summary>Writes the next payload; false when the access unit is done.</summary>
    public bool TryWriteNext(Span<byte> destination, out int written, out bool isLast)
    {
        written = 0;
        isLast = false;
        if (_current.IsEmpty)
        {
            return false;
        }

        if (_fragmentOffset == 0 && _current.Length <= _maxPayloadSize)
        {
            Require(destination, _current.Length);
            _current.CopyTo(destination);
            written = _current.Length;
            Advance();
        }
        else
        {
            _fragmentOffset = Math.Max(_fragmentOffset, 1);
            int take = Math.Min(_maxPayloadSize - 2, _current.Length - _fragmentOffset);
            Require(destination, take + 2);
            bool start = _fragmentOffset == 1;
            bool end = _fragmentOffset + take == _current.Length;
            destination[0] = (byte)((_current[0] & 0xE0) | H264Depacketizer.FuA);
            destination[1] = (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | (_current[0] & 0x1F));
            _current.Slice(_fragmentOffset, take).CopyTo(destination[2..]);
            written = take + 2;
            _fragmentOffset += take;
            if (end)
            {
                Advance();
            }
        }

        isLast = _current.IsEmpty;
        return true;
    }

    private static void Require(Span<byte> destination, int size)
    {
        if (destination.Length < size)
        {
            throw new CodecException(CodecError.BufferTooSmall, "H264 payload does not fit the destination.");
        }
    }

    private void Advance()
    {
        _current = _next;
        _next = ReadNal();
        _fragmentOffset = 0;
    }

    private ReadOnlySpan<byte> ReadNal()
    {
        while (_reader.TryReadNext(out ReadOnlySpan<byte> nal))
        {
            int type = nal[0] & 0x1F;
            if (type is not AccessUnitDelimiter and not FillerData)
            {
                return nal;
            }
        }

        return default;
    }
}
