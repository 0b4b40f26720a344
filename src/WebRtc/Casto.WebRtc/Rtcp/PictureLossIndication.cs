// Spec: https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1 (PLI, PSFB FMT 1)
namespace Casto.WebRtc.Rtcp;

/// <summary>
/// Picture loss indication: the feedback header with no FCI (12 bytes).
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P| FMT=1   |   PT=206      |          length=2             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of packet sender                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of media source                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
internal readonly record struct PictureLossIndication(uint SenderSsrc, uint MediaSsrc)
{
    /// <summary>The FMT value.</summary>
    public const byte Format = 1;

    /// <summary>Encoded size.</summary>
    public const int Size = RtcpFeedback.HeaderSize;

    /// <summary>Parses one PSFB FMT 1 packet.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out PictureLossIndication pli)
    {
        bool ok = RtcpFeedback.TryRead(packet, RtcpPacketType.PayloadFeedback, Format, out uint sender, out uint media, out _);
        pli = ok ? new PictureLossIndication(sender, media) : default;
        return ok;
    }

    /// <summary>Encoded size.</summary>
    public static int GetSize() => Size;

    /// <summary>Writes the 12 bytes.</summary>
    public int Write(Span<byte> destination)
    {
        RtcpFeedback.WriteHeader(destination, RtcpPacketType.PayloadFeedback, Format, Size, SenderSsrc, MediaSsrc);
        return Size;
    }
}
