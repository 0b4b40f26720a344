// Spec: https://www.rfc-editor.org/rfc/rfc8829#section-5.2.1 (initial offers), §5.3.1 (initial answers),
//       https://www.w3.org/TR/webrtc/#dom-rtcpeerconnection-createoffer
using System.Globalization;
using Casto.WebRtc.Dtls;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>What we need from a remote description: ICE credentials and candidates, fingerprint, a=setup.</summary>
internal sealed record RtcRemoteParameters(
    string Ufrag, string Password, IReadOnlyList<SdpCandidate> Candidates, DtlsFingerprint Fingerprint, SdpSetup Setup, SdpDirection Direction);

/// <summary>Builds our offers/answers and checks remote descriptions for the single bundled VP8 m-line.</summary>
internal static class RtcSdp
{
    public const int Vp8PayloadType = 96;
    public const string Mid = "0";
    private const string Protocol = "UDP/TLS/RTP/SAVPF";

    public static SessionDescription CreateOffer(IceAgent ice, DtlsCertificate certificate, RtcPeerConnectionOptions options, uint ssrc, string streamId, ulong sessionId)
    {
        var sdp = new SessionDescription(new SdpOrigin("-", sessionId.ToString(CultureInfo.InvariantCulture), 2, "IN", "IP4", "127.0.0.1"))
        {
            MsidSemantic = "WMS *",
        };
        sdp.Groups.Add(new SdpGroup("BUNDLE", Mid));
        var m = new MediaDescription("video", 9, Protocol, [Vp8PayloadType.ToString(CultureInfo.InvariantCulture)])
        {
            Mid = Mid,
            Direction = options.Direction,
            RtcpMux = true,
            Connection = new SdpConnection("IN", "IP4", "0.0.0.0"),
            IceUfrag = ice.LocalUfrag,
            IcePwd = ice.LocalPassword,
            Setup = SdpSetup.ActPass,
        };
        m.Fingerprints.Add(certificate.Fingerprint.ToSdp());
        m.RtpMaps.Add(new SdpRtpMap(Vp8PayloadType, "VP8", 90000, null));
        m.RtcpFeedbacks.Add(new SdpRtcpFeedback(Vp8PayloadType, "nack", null));
        m.RtcpFeedbacks.Add(new SdpRtcpFeedback(Vp8PayloadType, "nack", "pli"));
        AddSender(m, options.Direction, ssrc, streamId);
        AddCandidates(m, ice);
        sdp.Media.Add(m);
        return sdp;
    }

    public static SessionDescription CreateAnswer(SessionDescription offer, IceAgent ice, DtlsCertificate certificate, RtcPeerConnectionOptions options, uint ssrc, string streamId, ulong sessionId)
    {
        var answerOptions = new JsepAnswerOptions
        {
            IceUfrag = ice.LocalUfrag,
            IcePwd = ice.LocalPassword,
            Fingerprint = certificate.Fingerprint.ToSdp(),
            SetupWhenActPass = SdpSetup.Active,
            LocalDirection = options.Direction,
            Rtx = false,
            SessionId = sessionId,
        };
        answerOptions.Codecs.Clear();
        answerOptions.Codecs.Add(JsepCodec.Vp8);
        SessionDescription answer;
        try
        {
            answer = JsepNegotiator.CreateAnswer(offer, answerOptions);
        }
        catch (SdpException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.InvalidSdp, "The remote offer cannot be answered: " + ex.Message, ex);
        }

        var m = answer.Media.First(x => x.Port != 0);
        AddSender(m, m.EffectiveDirection, ssrc, streamId);
        AddCandidates(m, ice);
        return answer;
    }

    /// <summary>The payload type of VP8/90000 in the (first usable) video section of <paramref name="sdp"/>.</summary>
    public static int Vp8PayloadTypeOf(SessionDescription sdp) =>
        sdp.Media.Where(x => x.Kind == "video" && x.Port != 0 && x.IsRtp)
            .SelectMany(x => x.RtpMaps)
            .FirstOrDefault(r => string.Equals(r.EncodingName, "VP8", StringComparison.OrdinalIgnoreCase) && r.ClockRate == 90000)
            ?.PayloadType ?? Vp8PayloadType;

    /// <summary>Parses and checks a remote description; throws <see cref="PeerConnectionException"/> (InvalidSdp).</summary>
    public static (SessionDescription Sdp, RtcRemoteParameters Parameters) ParseRemote(string text)
    {
        SessionDescription sdp;
        try
        {
            sdp = SessionDescription.Parse(text);
        }
        catch (SdpException ex)
        {
            throw Invalid("Unparseable session description: " + ex.Message, ex);
        }

        var m = sdp.Media.FirstOrDefault(x => x.Kind == "video" && x.Port != 0 && x.IsRtp)
            ?? throw Invalid("No usable video m= section.");
        if (!m.RtpMaps.Any(r => string.Equals(r.EncodingName, "VP8", StringComparison.OrdinalIgnoreCase) && r.ClockRate == 90000))
        {
            throw Invalid("The video m= section offers no VP8/90000.");
        }

        string ufrag = m.IceUfrag ?? sdp.IceUfrag ?? throw Invalid("Missing a=ice-ufrag.");
        string pwd = m.IcePwd ?? sdp.IcePwd ?? throw Invalid("Missing a=ice-pwd.");
        var fp = m.Fingerprints.Concat(sdp.Fingerprints).FirstOrDefault() ?? throw Invalid("Missing a=fingerprint.");
        if (!DtlsFingerprint.TryParse(fp.HashFunction + " " + fp.Value, out DtlsFingerprint? fingerprint))
        {
            throw Invalid("Invalid a=fingerprint.");
        }

        var setup = m.Setup ?? sdp.Setup ?? SdpSetup.Active; // absent means active (RFC 4145 §4)
        var candidates = m.Candidates.Concat(sdp.Candidates).Where(c => c.Component == 1).ToList();
        if (candidates.Count == 0)
        {
            throw Invalid("No ICE candidates (trickle ICE is not supported).");
        }

        return (sdp, new RtcRemoteParameters(ufrag, pwd, candidates, fingerprint, setup, m.EffectiveDirection));
    }

    private static PeerConnectionException Invalid(string message, Exception? inner = null) =>
        new(PeerConnectionError.InvalidSdp, message, inner);

    private static void AddSender(MediaDescription m, SdpDirection direction, uint ssrc, string streamId)
    {
        if (direction is not (SdpDirection.SendRecv or SdpDirection.SendOnly))
        {
            return;
        }

        string trackId = streamId + "-video";
        m.Msids.Add(new SdpMsid(streamId, trackId));
        m.Ssrcs.Add(new SdpSsrc(ssrc, "cname", streamId));
        m.Ssrcs.Add(new SdpSsrc(ssrc, "msid", streamId + " " + trackId));
    }

    private static void AddCandidates(MediaDescription m, IceAgent ice)
    {
        foreach (var candidate in ice.LocalCandidates)
        {
            m.Candidates.Add(candidate.ToSdp());
        }

        m.EndOfCandidates = true;
    }
}
