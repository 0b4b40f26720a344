namespace Casto.WebRtc.Sdp;

/// <summary>The bounded line parser.</summary>
public sealed partial class SessionDescription
{
    /// <summary>Parses a description. Throws <see cref="SdpException"/> for anything malformed or over the limits.</summary>
    public static SessionDescription Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new SdpException(SdpError.TooLarge, $"SDP of {text.Length} characters exceeds {MaxLength}.");
        }

        var lines = text.Split('\n');
        if (lines.Length > MaxLines + 1)
        {
            throw new SdpException(SdpError.TooManyLines, $"SDP has more than {MaxLines} lines.");
        }

        SessionDescription? session = null;
        MediaDescription? media = null;
        bool hasOrigin = false, hasName = false, hasTiming = false;
        foreach (var raw in lines)
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z' || line.Contains('\r', StringComparison.Ordinal) || line.Contains('\0', StringComparison.Ordinal))
            {
                throw new SdpException(SdpError.InvalidLine, $"Invalid SDP line '{SdpText.Excerpt(line)}'.");
            }

            var type = line[0];
            var value = line[2..];
            if (session is null)
            {
                if (type != 'v')
                {
                    throw new SdpException(SdpError.MissingLine, "SDP must start with v=.");
                }

                session = new SessionDescription(new SdpOrigin("-", "0", 0, "IN", "IP4", "0.0.0.0")) { Version = SdpText.Int(value, 0, 0) };
                continue;
            }

            switch (type)
            {
                case 'm':
                    if (session.Media.Count >= MaxMediaSections)
                    {
                        throw new SdpException(SdpError.TooManyMediaSections, $"SDP has more than {MaxMediaSections} m= sections.");
                    }

                    media = MediaDescription.ParseMediaLine(value);
                    session.Media.Add(media);
                    break;
                case 'a':
                    var colon = value.IndexOf(':', StringComparison.Ordinal);
                    var name = SdpText.Token(colon < 0 ? value : value[..colon]);
                    var attributeValue = colon < 0 ? null : value[(colon + 1)..];
                    if (media is null)
                    {
                        session.ApplyAttribute(name, attributeValue);
                    }
                    else
                    {
                        media.ApplyAttribute(name, attributeValue);
                    }

                    break;
                case 'c':
                    var c = SdpText.Fields(value, 3);
                    ((SdpSection?)media ?? session).Connection = new SdpConnection(SdpText.Token(c[0]), SdpText.Token(c[1]), SdpText.Token(c[2]));
                    break;
                case 'i' or 'b' or 'k' when media is not null:
                    media.OtherLines.Add(new SdpLine(type, value));
                    break;
                case 'o' when media is null && !hasOrigin:
                    var o = SdpText.Fields(value, 6);
                    session.Origin = new SdpOrigin(SdpText.Token(o[0]), SdpText.Token(o[1]), SdpText.ULong(o[2]), SdpText.Token(o[3]), SdpText.Token(o[4]), SdpText.Token(o[5]));
                    hasOrigin = true;
                    break;
                case 's' when media is null && !hasName:
                    session.SessionName = value;
                    hasName = true;
                    break;
                case 't' when media is null && !hasTiming:
                    var t = SdpText.Fields(value, 2);
                    session.Timing = new SdpTiming(SdpText.ULong(t[0]), SdpText.ULong(t[1]));
                    hasTiming = true;
                    break;
                case 'i' or 'u' or 'e' or 'p' or 'b' or 't' or 'r' or 'z' or 'k' when media is null:
                    session.OtherLines.Add(new SdpLine(type, value));
                    break;
                default:
                    throw new SdpException(SdpError.InvalidLine, $"Unexpected SDP line '{SdpText.Excerpt(line)}'.");
            }
        }

        if (session is null || !hasOrigin || !hasName || !hasTiming)
        {
            throw new SdpException(SdpError.MissingLine, "SDP needs v=, o=, s= and t= lines.");
        }

        foreach (var m in session.Media)
        {
            m.Normalize();
        }

        return session;
    }
}
