// Spec: https://www.rfc-editor.org/rfc/rfc9429#section-5.3.1 (initial answers), https://www.rfc-editor.org/rfc/rfc8842#section-5 (a=setup)
using System.Globalization;

namespace Casto.WebRtc.Sdp;

/// <summary>Builds a JSEP answer from a remote offer and our codec capabilities.</summary>
public static class JsepNegotiator
{
    /// <summary>
    /// Produces the answer: one m= section per offered section with the same mid and kind. Accepted sections keep the
    /// offer's payload types for the codecs we support (plus their RTX), intersect rtcp-fb, answer the direction
    /// (RFC 9429 §5.3.1), and carry our ICE and DTLS attributes; the others are rejected with port 0 and left out of the
    /// BUNDLE group. Throws <see cref="SdpException"/> (<see cref="SdpError.Negotiation"/>) when nothing can be accepted.
    /// </summary>
    public static SessionDescription CreateAnswer(SessionDescription offer, JsepAnswerOptions options)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var answer = new SessionDescription(new SdpOrigin("-", options.SessionId.ToString(CultureInfo.InvariantCulture), 2, "IN", "IP4", "127.0.0.1"))
        {
            IceLite = options.IceLite,
            MsidSemantic = "WMS *",
        };
        var accepted = new List<string>();
        foreach (var offered in offer.Media)
        {
            var section = Answer(offer, offered, options);
            answer.Media.Add(section);
            if (section.Port != 0 && section.Mid is not null)
            {
                accepted.Add(section.Mid);
            }
        }

        if (accepted.Count == 0)
        {
            throw new SdpException(SdpError.Negotiation, "No offered media section could be accepted.");
        }

        var bundle = offer.BundleGroup;
        if (bundle is not null)
        {
            var offeredMids = bundle.MidList;
            answer.Groups.Add(new SdpGroup("BUNDLE", string.Join(' ', accepted.Where(offeredMids.Contains))));
        }

        var first = answer.Media.First(m => m.Port != 0);
        foreach (var candidate in options.Candidates)
        {
            first.Candidates.Add(candidate);
        }

        first.EndOfCandidates = options.Candidates.Count > 0;
        return answer;
    }

    /// <summary>The answered direction: we send when they receive and we want to send; likewise for receiving.</summary>
    public static SdpDirection AnswerDirection(SdpDirection offered, SdpDirection local)
    {
        var theySend = offered is SdpDirection.SendRecv or SdpDirection.SendOnly;
        var theyReceive = offered is SdpDirection.SendRecv or SdpDirection.RecvOnly;
        var weSend = theyReceive && local is SdpDirection.SendRecv or SdpDirection.SendOnly;
        var weReceive = theySend && local is SdpDirection.SendRecv or SdpDirection.RecvOnly;
        return (weSend, weReceive) switch
        {
            (true, true) => SdpDirection.SendRecv,
            (true, false) => SdpDirection.SendOnly,
            (false, true) => SdpDirection.RecvOnly,
            _ => SdpDirection.Inactive,
        };
    }

    private static MediaDescription Answer(SessionDescription offer, MediaDescription offered, JsepAnswerOptions options)
    {
        var section = new MediaDescription(offered.Kind, 9, offered.Protocol, []) { Mid = offered.Mid };
        var accept = offered.Port != 0 && offered.Mid is not null && (offered.IsRtp
            ? AddCodecs(offered, section, options)
            : options.AcceptDataChannel && offered.Kind == "application" && offered.Protocol.EndsWith("SCTP", StringComparison.Ordinal));
        if (!accept)
        {
            section.Port = 0;
            section.Formats.Clear();
            section.Formats.Add(offered.Formats[0]);
            return section;
        }

        section.Connection = new SdpConnection("IN", "IP4", "0.0.0.0");
        section.IceUfrag = options.IceUfrag;
        section.IcePwd = options.IcePwd;
        section.Fingerprints.Add(options.Fingerprint!);
        section.Setup = (offered.Setup ?? offer.Setup) switch
        {
            SdpSetup.ActPass => options.SetupWhenActPass,
            SdpSetup.Passive => SdpSetup.Active,
            _ => SdpSetup.Passive, // "active", or absent, which means active (RFC 4145 §4)
        };
        if (!offered.IsRtp)
        {
            section.Formats.Add("webrtc-datachannel");
            section.SctpPort = 5000;
            section.MaxMessageSize = options.MaxMessageSize;
            return section;
        }

        section.Direction = AnswerDirection(offered.EffectiveDirection, options.LocalDirection);
        section.RtcpMux = offered.RtcpMux;
        section.RtcpRsize = offered.RtcpRsize;
        foreach (var extmap in offered.Extmaps.Where(e => options.HeaderExtensions.Contains(e.Uri)))
        {
            section.Extmaps.Add(extmap with { Direction = null });
        }

        return section;
    }

    /// <summary>Adds the supported codecs in the offer's order with the offer's payload types; false when none.</summary>
    private static bool AddCodecs(MediaDescription offered, MediaDescription section, JsepAnswerOptions options)
    {
        var ic = CultureInfo.InvariantCulture;
        foreach (var format in offered.Formats)
        {
            var pt = int.Parse(format, NumberStyles.None, ic);
            var rtpMap = offered.GetRtpMap(pt);
            var codec = rtpMap is null ? null
                : options.Codecs.FirstOrDefault(c => c.Kind == offered.Kind && c.Matches(rtpMap, offered.GetFmtp(pt)));
            if (codec is null)
            {
                continue;
            }

            section.Formats.Add(format);
            section.RtpMaps.Add(rtpMap!);
            foreach (var fb in offered.RtcpFeedbacks.Where(f => f.PayloadType is null || f.PayloadType == pt))
            {
                var text = fb.Parameter is null ? fb.Type : $"{fb.Type} {fb.Parameter}";
                var answered = fb with { PayloadType = pt };
                if (codec.Feedback.Contains(text) && !section.RtcpFeedbacks.Contains(answered))
                {
                    section.RtcpFeedbacks.Add(answered);
                }
            }

            if (codec.Parameters is not null)
            {
                section.Fmtps.Add(new SdpFmtp(pt, codec.Parameters));
            }
            else if (codec.AnyProfile && offered.GetFmtp(pt) is { } offeredFmtp)
            {
                section.Fmtps.Add(offeredFmtp);
            }

            var rtx = options.Rtx ? offered.Fmtps.FirstOrDefault(f =>
                offered.GetRtpMap(f.Format) is { } r && string.Equals(r.EncodingName, "rtx", StringComparison.OrdinalIgnoreCase)
                && f.ToDictionary().TryGetValue("apt", out var apt) && apt == format) : null;
            if (rtx is not null)
            {
                section.Formats.Add(rtx.Format.ToString(ic));
                section.RtpMaps.Add(offered.GetRtpMap(rtx.Format)!);
                section.Fmtps.Add(rtx);
            }
        }

        section.Normalize();
        return section.Formats.Count > 0;
    }
}
