// Spec: https://www.rfc-editor.org/rfc/rfc7741#section-4.3 (VP8 key frames), https://www.rfc-editor.org/rfc/rfc6184#section-5.2 (H.264 NAL units)
namespace Casto.WebRtc.Codecs;

/// <summary>The codecs Casto carries without transcoding.</summary>
public enum RtcCodec
{
    /// <summary>VP8 video (RFC 7741).</summary>
    Vp8,

    /// <summary>H.264 video, packetization mode 0 or 1 (RFC 6184).</summary>
    H264,

    /// <summary>Opus audio (RFC 7587): no key frames.</summary>
    Opus,
}

/// <summary>
/// Finds key frames in RTP payloads without depacketizing, looking only at the first bytes (the VP8 payload
/// descriptor and header, the H.264 NAL header), which stay in the clear under per-frame end-to-end encryption.
/// </summary>
public static class KeyFrames
{
    /// <summary>True when <paramref name="rtpPayload"/> is the first packet of a key frame: VP8 S=1, PID=0, P=0; H.264 an IDR slice or SPS.</summary>
    public static bool IsKeyFrameStart(RtcCodec codec, ReadOnlySpan<byte> rtpPayload) => codec switch
    {
        RtcCodec.Vp8 => !rtpPayload.IsEmpty && Vp8PayloadDescriptor.IsKeyframe(rtpPayload),
        RtcCodec.H264 => !rtpPayload.IsEmpty && H264Depacketizer.IsKeyframe(rtpPayload),
        _ => false,
    };
}
