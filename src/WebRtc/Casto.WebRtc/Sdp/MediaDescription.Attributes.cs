namespace Casto.WebRtc.Sdp;

/// <summary>Parsing of media-level attributes.</summary>
public sealed partial class MediaDescription
{
    /// <summary>Parses the value of an m= line.</summary>
    internal static MediaDescription ParseMediaLine(string value)
    {
        var f = value.Split(' ');
        if (f.Length < 4 || f.Any(x => x.Length == 0))
        {
            throw new SdpException(SdpError.InvalidValue, $"Invalid m= line '{SdpText.Excerpt(value)}'.");
        }

        var slash = f[1].IndexOf('/', StringComparison.Ordinal);
        var media = new MediaDescription(SdpText.Token(f[0]), SdpText.Int(slash < 0 ? f[1] : f[1][..slash], 0, 65535), SdpText.Token(f[2]), f.Skip(3).Select(SdpText.Token));
        if (slash >= 0)
        {
            media.PortCount = SdpText.Int(f[1][(slash + 1)..], 1, 65535);
        }

        if (media.IsRtp)
        {
            foreach (var format in media.Formats)
            {
                SdpText.Int(format, 0, 127);
            }
        }

        return media;
    }

    /// <summary>Applies one a= line of this section.</summary>
    internal void ApplyAttribute(string name, string? value)
    {
        if (TryApplyCommon(name, value))
        {
            return;
        }

        switch (name)
        {
            case "mid":
                Mid = SdpText.Token(value ?? string.Empty);
                break;
            case "sendrecv":
                Direction = SdpDirection.SendRecv;
                break;
            case "sendonly":
                Direction = SdpDirection.SendOnly;
                break;
            case "recvonly":
                Direction = SdpDirection.RecvOnly;
                break;
            case "inactive":
                Direction = SdpDirection.Inactive;
                break;
            case "rtcp-mux":
                RtcpMux = true;
                break;
            case "rtcp-rsize":
                RtcpRsize = true;
                break;
            case "rtpmap":
                RtpMaps.Add(ParseRtpMap(value ?? throw Missing(name)));
                break;
            case "fmtp":
                var fmtp = SdpText.Fields(value ?? throw Missing(name), 2, restInLast: true);
                Fmtps.Add(new SdpFmtp(SdpText.Int(fmtp[0], 0, 127), fmtp[1]));
                break;
            case "rtcp-fb":
                var fb = SdpText.Fields(value ?? throw Missing(name), 2, restInLast: true);
                var space = fb[1].IndexOf(' ', StringComparison.Ordinal);
                RtcpFeedbacks.Add(new SdpRtcpFeedback(
                    fb[0] == "*" ? null : SdpText.Int(fb[0], 0, 127),
                    SdpText.Token(space < 0 ? fb[1] : fb[1][..space]),
                    space < 0 ? null : fb[1][(space + 1)..]));
                break;
            case "extmap":
                Extmaps.Add(ParseExtmap(value ?? throw Missing(name)));
                break;
            case "msid":
                var msid = (value ?? throw Missing(name)).Split(' ', 2);
                Msids.Add(new SdpMsid(SdpText.Token(msid[0]), msid.Length > 1 ? msid[1] : null));
                break;
            case "ssrc":
                var ssrc = SdpText.Fields(value ?? throw Missing(name), 2, restInLast: true);
                var colon = ssrc[1].IndexOf(':', StringComparison.Ordinal);
                Ssrcs.Add(new SdpSsrc(SdpText.UInt(ssrc[0]), colon < 0 ? ssrc[1] : ssrc[1][..colon], colon < 0 ? null : ssrc[1][(colon + 1)..]));
                break;
            case "ssrc-group":
                var group = SdpText.Fields(value ?? throw Missing(name), 2, restInLast: true);
                foreach (var s in group[1].Split(' '))
                {
                    SdpText.UInt(s);
                }

                SsrcGroups.Add(new SdpSsrcGroup(SdpText.Token(group[0]), group[1]));
                break;
            case "sctp-port":
                SctpPort = SdpText.Int(value ?? throw Missing(name), 0, 65535);
                break;
            case "max-message-size":
                MaxMessageSize = (long)SdpText.ULong(value ?? throw Missing(name)) is var size and >= 0 ? size
                    : throw new SdpException(SdpError.InvalidValue, "a=max-message-size out of range.");
                break;
            default:
                Attributes.Add(new SdpAttribute(name, value));
                break;
        }
    }

    private static SdpRtpMap ParseRtpMap(string value)
    {
        var f = SdpText.Fields(value, 2);
        var encoding = f[1].Split('/');
        if (encoding.Length is < 2 or > 3)
        {
            throw new SdpException(SdpError.InvalidValue, $"Invalid a=rtpmap '{SdpText.Excerpt(value)}'.");
        }

        return new SdpRtpMap(
            SdpText.Int(f[0], 0, 127),
            SdpText.Token(encoding[0]),
            SdpText.Int(encoding[1], 1, int.MaxValue),
            encoding.Length == 3 ? SdpText.Int(encoding[2], 1, 255) : null);
    }

    private static SdpExtmap ParseExtmap(string value)
    {
        var f = value.Split(' ', 3);
        if (f.Length < 2)
        {
            throw new SdpException(SdpError.InvalidValue, $"Invalid a=extmap '{SdpText.Excerpt(value)}'.");
        }

        var slash = f[0].IndexOf('/', StringComparison.Ordinal);
        SdpDirection? direction = slash < 0 ? null : f[0][(slash + 1)..] switch
        {
            "sendrecv" => SdpDirection.SendRecv,
            "sendonly" => SdpDirection.SendOnly,
            "recvonly" => SdpDirection.RecvOnly,
            "inactive" => SdpDirection.Inactive,
            _ => throw new SdpException(SdpError.InvalidValue, $"Invalid a=extmap direction '{SdpText.Excerpt(value)}'."),
        };
        return new SdpExtmap(SdpText.Int(slash < 0 ? f[0] : f[0][..slash], 1, 255), direction, SdpText.Token(f[1]), f.Length > 2 ? f[2] : null);
    }
}
