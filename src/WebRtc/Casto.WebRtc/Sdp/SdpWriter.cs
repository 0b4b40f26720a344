using System.Globalization;
using System.Text;

namespace Casto.WebRtc.Sdp;

/// <summary>Serializes the model with CRLF line endings, in the order Chromium uses.</summary>
internal static class SdpWriter
{
    private static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    public static string Write(SessionDescription sdp)
    {
        var b = new StringBuilder(4096);
        Line(b, 'v', sdp.Version.ToString(Ic));
        var o = sdp.Origin;
        Line(b, 'o', $"{o.Username} {o.SessionId} {o.SessionVersion.ToString(Ic)} {o.NetworkType} {o.AddressType} {o.Address}");
        Line(b, 's', sdp.SessionName);
        Other(b, sdp, "iuep");
        Connection(b, sdp.Connection);
        Other(b, sdp, "b");
        Line(b, 't', $"{sdp.Timing.StartTime.ToString(Ic)} {sdp.Timing.StopTime.ToString(Ic)}");
        Other(b, sdp, "trzk");
        foreach (var group in sdp.Groups)
        {
            Attribute(b, "group", $"{group.Semantics} {group.Mids}".TrimEnd());
        }

        if (sdp.IceLite)
        {
            Attribute(b, "ice-lite", null);
        }

        Common(b, sdp);
        if (sdp.MsidSemantic is not null)
        {
            Attribute(b, "msid-semantic", sdp.MsidSemantic);
        }

        Unknown(b, sdp);
        foreach (var media in sdp.Media)
        {
            Media(b, media);
        }

        return b.ToString();
    }

    private static void Media(StringBuilder b, MediaDescription m)
    {
        var port = m.PortCount is { } count ? $"{m.Port.ToString(Ic)}/{count.ToString(Ic)}" : m.Port.ToString(Ic);
        Line(b, 'm', $"{m.Kind} {port} {m.Protocol} {string.Join(' ', m.Formats)}");
        Other(b, m, "i");
        Connection(b, m.Connection);
        Other(b, m, "bk");
        Common(b, m);
        if (m.Mid is not null)
        {
            Attribute(b, "mid", m.Mid);
        }

        foreach (var e in m.Extmaps)
        {
            var id = e.Direction is { } d ? $"{e.Id.ToString(Ic)}/{Direction(d)}" : e.Id.ToString(Ic);
            Attribute(b, "extmap", e.Attributes is null ? $"{id} {e.Uri}" : $"{id} {e.Uri} {e.Attributes}");
        }

        if (m.Direction is { } direction)
        {
            Attribute(b, Direction(direction), null);
        }

        foreach (var msid in m.Msids)
        {
            Attribute(b, "msid", msid.TrackId is null ? msid.StreamId : $"{msid.StreamId} {msid.TrackId}");
        }

        Flag(b, "rtcp-mux", m.RtcpMux);
        Flag(b, "rtcp-rsize", m.RtcpRsize);
        var written = new HashSet<int>();
        foreach (var format in m.Formats)
        {
            if (!int.TryParse(format, NumberStyles.None, Ic, out var pt) || !written.Add(pt))
            {
                continue;
            }

            Codec(b, m, r => r.PayloadType == pt, f => f.Format == pt, fb => fb.PayloadType == pt);
        }

        Codec(b, m, r => !written.Contains(r.PayloadType), f => !written.Contains(f.Format), fb => fb.PayloadType is not { } p || !written.Contains(p));
        if (m.SctpPort is { } sctp)
        {
            Attribute(b, "sctp-port", sctp.ToString(Ic));
        }

        if (m.MaxMessageSize is { } max)
        {
            Attribute(b, "max-message-size", max.ToString(Ic));
        }

        foreach (var group in m.SsrcGroups)
        {
            Attribute(b, "ssrc-group", $"{group.Semantics} {group.Ssrcs}");
        }

        foreach (var ssrc in m.Ssrcs)
        {
            Attribute(b, "ssrc", ssrc.Value is null ? $"{ssrc.Ssrc.ToString(Ic)} {ssrc.Attribute}" : $"{ssrc.Ssrc.ToString(Ic)} {ssrc.Attribute}:{ssrc.Value}");
        }

        Unknown(b, m);
    }

    private static void Codec(StringBuilder b, MediaDescription m, Func<SdpRtpMap, bool> rtpmap, Func<SdpFmtp, bool> fmtp, Func<SdpRtcpFeedback, bool> feedback)
    {
        foreach (var r in m.RtpMaps.Where(rtpmap))
        {
            var channels = r.Channels is { } c ? "/" + c.ToString(Ic) : string.Empty;
            Attribute(b, "rtpmap", $"{r.PayloadType.ToString(Ic)} {r.EncodingName}/{r.ClockRate.ToString(Ic)}{channels}");
        }

        foreach (var fb in m.RtcpFeedbacks.Where(feedback))
        {
            var pt = fb.PayloadType?.ToString(Ic) ?? "*";
            Attribute(b, "rtcp-fb", fb.Parameter is null ? $"{pt} {fb.Type}" : $"{pt} {fb.Type} {fb.Parameter}");
        }

        foreach (var f in m.Fmtps.Where(fmtp))
        {
            Attribute(b, "fmtp", $"{f.Format.ToString(Ic)} {f.Parameters}");
        }
    }

    private static void Common(StringBuilder b, SdpSection s)
    {
        foreach (var candidate in s.Candidates)
        {
            Attribute(b, "candidate", candidate.ToString()["candidate:".Length..]);
        }

        Flag(b, "end-of-candidates", s.EndOfCandidates);
        Optional(b, "ice-ufrag", s.IceUfrag);
        Optional(b, "ice-pwd", s.IcePwd);
        Optional(b, "ice-options", s.IceOptions);
        foreach (var fingerprint in s.Fingerprints)
        {
            Attribute(b, "fingerprint", $"{fingerprint.HashFunction} {fingerprint.Value}");
        }

        if (s.Setup is { } setup)
        {
            Attribute(b, "setup", SdpSection.SetupText(setup));
        }
    }

    internal static string Direction(SdpDirection direction) => direction switch
    {
        SdpDirection.SendRecv => "sendrecv",
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        _ => "inactive",
    };

    private static void Unknown(StringBuilder b, SdpSection s)
    {
        foreach (var a in s.Attributes)
        {
            Attribute(b, a.Name, a.Value);
        }
    }

    private static void Other(StringBuilder b, SdpSection s, string types)
    {
        foreach (var line in s.OtherLines.Where(l => types.Contains(l.Type, StringComparison.Ordinal)))
        {
            Line(b, line.Type, line.Value);
        }
    }

    private static void Connection(StringBuilder b, SdpConnection? c)
    {
        if (c is not null)
        {
            Line(b, 'c', $"{c.NetworkType} {c.AddressType} {c.Address}");
        }
    }

    private static void Flag(StringBuilder b, string name, bool set)
    {
        if (set)
        {
            Attribute(b, name, null);
        }
    }

    private static void Optional(StringBuilder b, string name, string? value)
    {
        if (value is not null)
        {
            Attribute(b, name, value);
        }
    }

    private static void Attribute(StringBuilder b, string name, string? value) =>
        b.Append("a=").Append(name).Append(value is null ? string.Empty : ":" + value).Append("\r\n");

    private static void Line(StringBuilder b, char type, string value) => b.Append(type).Append('=').Append(value).Append("\r\n");
}
