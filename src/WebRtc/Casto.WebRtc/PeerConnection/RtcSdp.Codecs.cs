// Spec: https://www.rfc-editor.org/rfc/rfc8829#section-5.3.1 (answer codecs), https://www.rfc-editor.org/rfc/rfc6184#section-8.2.2 (H264 offer/answer)
using System.Globalization;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>Video codec choice: one codec per video section, ours first by preference, payload types from the offer.</summary>
internal static partial class RtcSdp
{
    public const int H264PayloadType = 102;
    private const string H264Fmtp = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";

    /// <summary>The SDP matcher of one of our video codecs (H264: any profile in packetization mode 1).</summary>
    public static JsepCodec JsepOf(RtcCodec codec) => codec == RtcCodec.H264 ? JsepCodec.H264AnyProfile : JsepCodec.Vp8;

    /// <summary>The first of <paramref name="preference"/> that the (first usable) video section of <paramref name="sdp"/> carries, with its payload type.</summary>
    public static (RtcCodec Codec, int PayloadType)? ChooseVideo(SessionDescription sdp, IReadOnlyList<RtcCodec> preference)
    {
        var m = sdp.Media.FirstOrDefault(x => x.Kind == "video" && x.Port != 0 && x.IsRtp);
        if (m is null)
        {
            return null;
        }

        foreach (RtcCodec codec in preference)
        {
            var jsep = JsepOf(codec);
            foreach (string format in m.Formats)
            {
                int pt = int.Parse(format, NumberStyles.None, CultureInfo.InvariantCulture);
                if (m.GetRtpMap(pt) is { } rtpMap && jsep.Matches(rtpMap, m.GetFmtp(pt)))
                {
                    return (codec, pt);
                }
            }
        }

        return null;
    }

    /// <summary>Keeps only <paramref name="payloadType"/> in the answer's video section (one codec to forward, not a menu).</summary>
    public static void KeepOnly(MediaDescription video, int payloadType)
    {
        string format = payloadType.ToString(CultureInfo.InvariantCulture);
        for (int i = video.Formats.Count - 1; i >= 0; i--)
        {
            if (video.Formats[i] != format)
            {
                video.Formats.RemoveAt(i);
            }
        }

        Trim(video.RtpMaps, r => r.PayloadType == payloadType);
        Trim(video.Fmtps, f => f.Format == payloadType);
        Trim(video.RtcpFeedbacks, f => f.PayloadType is null || f.PayloadType == payloadType);
    }

    private static void Trim<T>(IList<T> list, Func<T, bool> keep)
    {
        for (int i = list.Count - 1; i >= 0; i--)
        {
            if (!keep(list[i]))
            {
                list.RemoveAt(i);
            }
        }
    }

    /// <summary>Our offered video formats, in preference order.</summary>
    private static void AddOfferedVideo(MediaDescription m, IReadOnlyList<RtcCodec> codecs)
    {
        m.Formats.Clear();
        foreach (RtcCodec codec in codecs)
        {
            int pt = codec == RtcCodec.H264 ? H264PayloadType : Vp8PayloadType;
            m.Formats.Add(pt.ToString(CultureInfo.InvariantCulture));
            m.RtpMaps.Add(new SdpRtpMap(pt, codec == RtcCodec.H264 ? "H264" : "VP8", 90000, null));
            if (codec == RtcCodec.H264)
            {
                m.Fmtps.Add(new SdpFmtp(pt, H264Fmtp));
            }

            m.RtcpFeedbacks.Add(new SdpRtcpFeedback(pt, "nack", null));
            m.RtcpFeedbacks.Add(new SdpRtcpFeedback(pt, "nack", "pli"));
        }
    }
}
