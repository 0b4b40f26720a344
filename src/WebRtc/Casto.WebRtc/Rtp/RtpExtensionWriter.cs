namespace Casto.WebRtc.Rtp;

/// <summary>
/// Builds RFC 8285 extension data into a caller buffer: <see cref="Add"/> elements, then <see cref="Finish"/>
/// pads to a 32-bit boundary. Use <see cref="Profile"/> and the finished span as
/// <see cref="RtpHeader.ExtensionProfile"/> and <see cref="RtpHeader.ExtensionData"/>.
/// </summary>
internal ref struct RtpExtensionWriter
{
    private readonly Span<byte> _buffer;
    private readonly bool _twoByte;
    private int _length;

    /// <summary>Writes into <paramref name="buffer"/>, in the two-byte form when <paramref name="twoByte"/>.</summary>
    public RtpExtensionWriter(Span<byte> buffer, bool twoByte = false)
    {
        _buffer = buffer;
        _twoByte = twoByte;
        _length = 0;
    }

    /// <summary>The profile word for the chosen form.</summary>
    public readonly ushort Profile => _twoByte ? RtpHeaderExtensions.TwoByteProfile : RtpHeaderExtensions.OneByteProfile;

    /// <summary>Appends one element; throws <see cref="RtpException"/> for an id/length the form cannot carry or a full buffer.</summary>
    public void Add(int id, ReadOnlySpan<byte> value)
    {
        bool valid = _twoByte
            ? id is >= 1 and <= 255 && value.Length <= 255
            : id is >= 1 and <= 14 && value.Length is >= 1 and <= 16;
        if (!valid)
        {
            throw new RtpException(RtpError.InvalidExtension, $"Extension id {id} with {value.Length} bytes does not fit the {(_twoByte ? "two" : "one")}-byte form.");
        }

        int needed = (_twoByte ? 2 : 1) + value.Length;
        if (_length + needed > _buffer.Length)
        {
            throw new RtpException(RtpError.BufferTooSmall, "Extension buffer full.");
        }

        if (_twoByte)
        {
            _buffer[_length] = (byte)id;
            _buffer[_length + 1] = (byte)value.Length;
        }
        else
        {
            _buffer[_length] = (byte)((id << 4) | (value.Length - 1));
        }

        value.CopyTo(_buffer[(_length + needed - value.Length)..]);
        _length += needed;
    }

    /// <summary>Zero-pads to a multiple of 4 and returns the extension data.</summary>
    public Span<byte> Finish()
    {
        int padded = (_length + 3) & ~3;
        if (padded > _buffer.Length)
        {
            throw new RtpException(RtpError.BufferTooSmall, "Extension buffer full.");
        }

        _buffer[_length..padded].Clear();
        _length = padded;
        return _buffer[..padded];
    }
}
