// Spec: https://www.rfc-editor.org/rfc/rfc8829#section-5.2.1 (initial offers), §5.3.1 (initial answers),
//       https://www.w3.org/TR/webrtc/#dom-rtcpeerconnection-createoffer
using System.Globalization;
using Casto.WebRtc.Dtls;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>What we need from a remote description: ICE credentials and candidates, fingerprint, a=setup.</summary>
internal sealed record RtcRemoteParameters(
    string Ufrag, string Password, IReadOnlyList<SdpCandidate> Candidates, DtlsFingerprint Fingerprint, SdpSetup Setup, SdpDirection Direction,
    bool EndOfCandidates);

/// <summary>Our identifiers in descriptions: SSRCs per kind, the msid stream id and the o= session id.</summary>
internal sealed record RtcLocalIds(uint VideoSsrc, uint AudioSsrc, string StreamId, ulong SessionId);

/// <summary>Builds our offers/answers (a bundled VP8 video m-line, optionally Opus audio) and checks remote descriptions.</summary>
internal static partial class RtcSdp
{
    public const int Vp8PayloadType = 96;
    public const int OpusPayloadType = 111;
    public const string Mid = "0";
    public const string AudioMid = "1";
    private const string Protocol = "UDP/TLS/RTP/SAVPF";

    public static SessionDescription CreateOffer(IceAgent ice, DtlsCertificate certificate, RtcPeerConnectionOptions options, RtcLocalIds ids)
    {
        var sdp = new SessionDescription(new SdpOrigin("-", ids.SessionId.ToString(CultureInfo.InvariantCulture), 2, "IN", "IP4", "127.0.0.1"))
        {
            MsidSemantic = "WMS *",
        };
        sdp.Groups.Add(new SdpGroup("BUNDLE", options.Audio ? Mid + " " + AudioMid : Mid));
        var m = OfferSection("video", Mid, Vp8PayloadType, ice, certificate, options.Direction);
        AddOfferedVideo(m, options.VideoCodecs);
        AddSender(m, options.Direction, ids);
        AddCandidates(m, ice);
        sdp.Media.Add(m);
        if (options.Audio)
        {
            var audio = OfferSection("audio", AudioMid, OpusPayloadType, ice, certificate, options.Direction);
            audio.RtpMaps.Add(new SdpRtpMap(OpusPayloadType, "opus", 48000, 2));
            audio.Fmtps.Add(new SdpFmtp(OpusPayloadType, "minptime=10;useinbandfec=1"));
            AddSender(audio, options.Direction, ids);
            sdp.Media.Add(audio);
        }

        return sdp;
    }

    public static SessionDescription CreateAnswer(SessionDescription offer, IceAgent ice, DtlsCertificate certificate, RtcPeerConnectionOptions options, RtcLocalIds ids)
    {
        var answerOptions = new JsepAnswerOptions
        {
            IceUfrag = ice.LocalUfrag,
            IcePwd = ice.LocalPassword,
            Fingerprint = certificate.Fingerprint.ToSdp(),
            SetupWhenActPass = SdpSetup.Active,
            LocalDirection = options.Direction,
            Rtx = false,
            SessionId = ids.SessionId,
        };
        var (codec, payloadType) = ChooseVideo(offer, options.VideoCodecs)
            ?? throw new PeerConnectionException(PeerConnectionError.InvalidSdp, "The offer's video section has none of our codecs.");
        answerOptions.Codecs.Clear();
        answerOptions.Codecs.Add(JsepOf(codec));
        if (options.Audio)
        {
            answerOptions.Codecs.Add(JsepCodec.Opus); // passed through, never decoded
        }
        SessionDescription answer;
        try
        {
            answer = JsepNegotiator.CreateAnswer(offer, answerOptions);
        }
        catch (SdpException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.InvalidSdp, "The remote offer cannot be answered: " + ex.Message, ex);
        }

        if (answer.Media.FirstOrDefault(x => x.Kind == "video" && x.Port != 0 && x.IsRtp) is { } video)
        {
            KeepOnly(video, payloadType);
        }

        foreach (var section in answer.Media.Where(x => x.Port != 0 && x.IsRtp))
        {
            AddSender(section, section.EffectiveDirection, ids);
        }

        AddCandidates(answer.Media.First(x => x.Port != 0), ice);
        return answer;
    }

    /// <summary>The payload type of opus/48000 in the (first usable) audio section of <paramref name="sdp"/>, or -1.</summary>
    public static int OpusPayloadTypeOf(SessionDescription sdp) =>
        sdp.Media.Where(x => x.Kind == "audio" && x.Port != 0 && x.IsRtp)
            .SelectMany(x => x.RtpMaps)
            .FirstOrDefault(r => string.Equals(r.EncodingName, "opus", StringComparison.OrdinalIgnoreCase) && r.ClockRate == 48000)
            ?.PayloadType ?? -1;

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
        if (ChooseVideo(sdp, [Codecs.RtcCodec.Vp8, Codecs.RtcCodec.H264]) is null)
        {
            throw Invalid("The video m= section offers neither VP8/90000 nor H264/90000 (packetization-mode=1).");
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

        // Complete when the peer says so, or when it gathered before sending and does not trickle (RFC 8838 §4.1).
        bool trickle = (m.IceOptions ?? sdp.IceOptions)?.Split(' ').Contains("trickle") == true;
        bool end = m.EndOfCandidates || sdp.EndOfCandidates || (!trickle && candidates.Count > 0);
        return (sdp, new RtcRemoteParameters(ufrag, pwd, candidates, fingerprint, setup, m.EffectiveDirection, end));
    }

    /// <summary>An offered m= section with one payload type, rtcp-mux, our ICE credentials and fingerprint, actpass.</summary>
    private static MediaDescription OfferSection(string kind, string mid, int payloadType, IceAgent ice, DtlsCertificate certificate, SdpDirection direction)
    {
        var m = new MediaDescription(kind, 9, Protocol, [payloadType.ToString(CultureInfo.InvariantCulture)])
        {
            Mid = mid,
            Direction = direction,
            RtcpMux = true,
            Connection = new SdpConnection("IN", "IP4", "0.0.0.0"),
            IceUfrag = ice.LocalUfrag,
            IcePwd = ice.LocalPassword,
            Setup = SdpSetup.ActPass,
        };
        m.Fingerprints.Add(certificate.Fingerprint.ToSdp());
        return m;
    }

    private static PeerConnectionException Invalid(string message, Exception? inner = null) =>
        new(PeerConnectionError.InvalidSdp, message, inner);

    private static void AddSender(MediaDescription m, SdpDirection direction, RtcLocalIds ids)
    {
        uint ssrc = m.Kind == "audio" ? ids.AudioSsrc : ids.VideoSsrc;
        string streamId = ids.StreamId;
        if (direction is not (SdpDirection.SendRecv or SdpDirection.SendOnly))
        {
            return;
        }

        string trackId = streamId + "-" + m.Kind;
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
