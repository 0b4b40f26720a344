// Spec: https://www.rfc-editor.org/rfc/rfc8285#section-4 (one-byte and two-byte header extension forms)
namespace Casto.WebRtc.Rtp;

/// <summary>
/// RFC 8285 header extension elements. One-byte form (profile 0xBEDE, ids 1–14, 1–16 data bytes):
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |       0xBE    |    0xDE       |           length=3            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Two-byte form (profile 0x100 + 4 app bits, ids 1–255, 0–255 data bytes):
/// <code>
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |       0x10    |    0x00       |           length=3            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      ID       |     L=0       |     ID        |     L=1       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |       data    |    0 (pad)    |       ID      |      L=4      |
/// </code>
/// Padding bytes (0) may appear between elements; one-byte id 15 stops processing.
/// </summary>
internal static class RtpHeaderExtensions
{
    /// <summary>Profile value of the one-byte form.</summary>
    public const ushort OneByteProfile = 0xBEDE;

    /// <summary>Profile value of the two-byte form (the low 4 "appbits" are free).</summary>
    public const ushort TwoByteProfile = 0x1000;

    /// <summary>True for 0xBEDE.</summary>
    public static bool IsOneByte(ushort profile) => profile == OneByteProfile;

    /// <summary>True for 0x1000–0x100F.</summary>
    public static bool IsTwoByte(ushort profile) => (profile & 0xFFF0) == TwoByteProfile;

    /// <summary>Finds element <paramref name="id"/>; false when absent, the profile is not RFC 8285, or the data is malformed before it.</summary>
    public static bool TryFind(ushort profile, ReadOnlySpan<byte> data, int id, out ReadOnlySpan<byte> value)
    {
        var reader = new RtpExtensionReader(profile, data);
        while (reader.TryReadNext(out int elementId, out int offset, out int length))
        {
            if (elementId == id)
            {
                value = data.Slice(offset, length);
                return true;
            }
        }

        value = default;
        return false;
    }
}

/// <summary>Iterates the elements of RFC 8285 extension data; stops (with <see cref="IsMalformed"/>) on a length past the end.</summary>
internal ref struct RtpExtensionReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _oneByte;
    private int _offset;

    /// <summary>Starts at the first element; a non-RFC 8285 profile yields nothing.</summary>
    public RtpExtensionReader(ushort profile, ReadOnlySpan<byte> data)
    {
        _data = data;
        _oneByte = RtpHeaderExtensions.IsOneByte(profile);
        _offset = _oneByte || RtpHeaderExtensions.IsTwoByte(profile) ? 0 : data.Length;
    }

    /// <summary>True when iteration stopped at an element overrunning the data.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Next element as id and value span.</summary>
    public bool TryReadNext(out int id, out ReadOnlySpan<byte> value)
    {
        if (TryReadNext(out id, out int offset, out int length))
        {
            value = _data.Slice(offset, length);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Next element as id, value offset into the extension data, and value length.</summary>
    public bool TryReadNext(out int id, out int offset, out int length)
    {
        while (_offset < _data.Length)
        {
            byte b = _data[_offset];
            if (b == 0)
            {
                _offset++;
                continue;
            }

            if (_oneByte)
            {
                id = b >> 4;
                length = (b & 0x0F) + 1;
                if (id == 15)
                {
                    break;
                }

                offset = _offset + 1;
            }
            else
            {
                if (_offset + 2 > _data.Length)
                {
                    IsMalformed = true;
                    break;
                }

                id = b;
                length = _data[_offset + 1];
                offset = _offset + 2;
            }

            if (offset + length > _data.Length)
            {
                IsMalformed = true;
                break;
            }

            _offset = offset + length;
            return true;
        }

        _offset = _data.Length;
        id = 0;
        offset = 0;
        length = 0;
        return false;
    }
}
