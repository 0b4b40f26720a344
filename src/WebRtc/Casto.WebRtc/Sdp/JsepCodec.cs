// Spec: https://www.rfc-editor.org/rfc/rfc9429#section-5.3.1 (answer media sections); H.264 parameters https://www.rfc-editor.org/rfc/rfc6184#section-8.2.2
namespace Casto.WebRtc.Sdp;

/// <summary>A codec we can receive and send, matched against offered rtpmap/fmtp lines.</summary>
/// <param name="Kind">"audio" or "video".</param>
/// <param name="Name">Encoding name, case-insensitive ("VP8", "H264", "opus").</param>
/// <param name="ClockRate">Clock rate.</param>
/// <param name="Channels">Channels (audio), or null.</param>
/// <param name="Parameters">fmtp parameters we answer with, or null.</param>
/// <param name="Feedback">rtcp-fb values we support ("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc").</param>
public sealed record JsepCodec(string Kind, string Name, int ClockRate, int? Channels, string? Parameters, IReadOnlyList<string> Feedback)
{
    private static readonly string[] VideoFeedback = ["goog-remb", "ccm fir", "nack", "nack pli"];

    /// <summary>VP8 (RFC 7741).</summary>
    public static JsepCodec Vp8 { get; } = new("video", "VP8", 90000, null, null, VideoFeedback);

    /// <summary>H.264 constrained baseline 3.1, packetization-mode=1 (RFC 6184).</summary>
    public static JsepCodec H264 { get; } = new("video", "H264", 90000, null, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", VideoFeedback);

    /// <summary>Opus (RFC 7587).</summary>
    public static JsepCodec Opus { get; } = new("audio", "opus", 48000, 2, "minptime=10;useinbandfec=1", ["transport-cc"]);

    /// <summary>The codecs Casto supports by default: VP8, H.264 (packetization-mode=1, 42e01f), Opus.</summary>
    public static IReadOnlyList<JsepCodec> Defaults { get; } = [Vp8, H264, Opus];

    /// <summary>H264 of any profile in packetization mode 1; an answer repeats the offer's fmtp (a relay passes the stream through undecoded).</summary>
    public static JsepCodec H264AnyProfile { get; } = new("video", "H264", 90000, null, null, VideoFeedback) { AnyProfile = true };

    /// <summary>For H264: match any profile-level-id (packetization mode 1 still required) and answer with the offer's fmtp.</summary>
    public bool AnyProfile { get; init; }

    /// <summary>True when an offered rtpmap (and its fmtp) is this codec.</summary>
    public bool Matches(SdpRtpMap rtpMap, SdpFmtp? fmtp)
    {
        ArgumentNullException.ThrowIfNull(rtpMap);
        if (!string.Equals(rtpMap.EncodingName, Name, StringComparison.OrdinalIgnoreCase) || rtpMap.ClockRate != ClockRate
            || (Channels ?? 1) != (rtpMap.Channels ?? 1))
        {
            return false;
        }

        if (!string.Equals(Name, "H264", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // RFC 6184 §8.2.2: packetization-mode must be equal (default 0) and the profile must match; levels may differ.
        var ours = new SdpFmtp(0, Parameters ?? "packetization-mode=1").ToDictionary();
        var theirs = (fmtp ?? new SdpFmtp(0, string.Empty)).ToDictionary();
        if (AnyProfile)
        {
            return Get(theirs, "packetization-mode", "0") == "1";
        }

        return Get(ours, "packetization-mode", "0") == Get(theirs, "packetization-mode", "0")
            && H264Profile(Get(ours, "profile-level-id", "42000a")) is { } profile
            && profile == H264Profile(Get(theirs, "profile-level-id", "42000a"));
    }

    private static string Get(IReadOnlyDictionary<string, string> parameters, string key, string fallback) =>
        parameters.TryGetValue(key, out var value) ? value : fallback;

    /// <summary>The profile part of profile-level-id, folding the constrained-baseline variants (42e0, 42c0, 4de0, 58c0…) together.</summary>
    private static string? H264Profile(string profileLevelId)
    {
        if (profileLevelId.Length != 6 || !profileLevelId.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        var idc = Convert.ToByte(profileLevelId[..2], 16);
        var iop = Convert.ToByte(profileLevelId[2..4], 16);
        var constrainedBaseline = (iop & 0x0F) == 0 && idc switch
        {
            0x42 => (iop & 0x40) != 0,
            0x4D => (iop & 0x80) != 0,
            0x58 => (iop & 0xC0) == 0xC0,
            _ => false,
        };
        return constrainedBaseline ? "cb" : profileLevelId[..4].ToUpperInvariant();
    }
}
