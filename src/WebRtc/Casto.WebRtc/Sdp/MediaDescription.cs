// Spec: https://www.rfc-editor.org/rfc/rfc8866#section-5.14 (m=), JSEP media attributes https://www.rfc-editor.org/rfc/rfc9429#section-5.2
namespace Casto.WebRtc.Sdp;

/// <summary>One m= section and its attributes.</summary>
public sealed partial class MediaDescription : SdpSection
{
    /// <summary>Creates a media section.</summary>
    public MediaDescription(string kind, int port, string protocol, IEnumerable<string> formats)
    {
        Kind = kind;
        Port = port;
        Protocol = protocol;
        Formats = [.. formats];
    }

    /// <summary>"audio", "video", "application", …</summary>
    public string Kind { get; set; }

    /// <summary>Port; 9 under ICE, 0 when rejected.</summary>
    public int Port { get; set; }

    /// <summary>The "/n" number of ports, or null.</summary>
    public int? PortCount { get; set; }

    /// <summary>e.g. "UDP/TLS/RTP/SAVPF" or "UDP/DTLS/SCTP".</summary>
    public string Protocol { get; set; }

    /// <summary>The m= format list: payload types for RTP, "webrtc-datachannel" for SCTP.</summary>
    public IList<string> Formats { get; }

    /// <summary>a=mid.</summary>
    public string? Mid { get; set; }

    /// <summary>a=sendrecv/sendonly/recvonly/inactive, or null when absent (meaning sendrecv).</summary>
    public SdpDirection? Direction { get; set; }

    /// <summary>a=rtcp-mux.</summary>
    public bool RtcpMux { get; set; }

    /// <summary>a=rtcp-rsize.</summary>
    public bool RtcpRsize { get; set; }

    /// <summary>a=rtpmap lines, grouped by payload type in m= order.</summary>
    public IList<SdpRtpMap> RtpMaps { get; } = [];

    /// <summary>a=fmtp lines, grouped by payload type in m= order.</summary>
    public IList<SdpFmtp> Fmtps { get; } = [];

    /// <summary>a=rtcp-fb lines, grouped by payload type in m= order ("*" last).</summary>
    public IList<SdpRtcpFeedback> RtcpFeedbacks { get; } = [];

    /// <summary>a=extmap lines.</summary>
    public IList<SdpExtmap> Extmaps { get; } = [];

    /// <summary>a=msid lines.</summary>
    public IList<SdpMsid> Msids { get; } = [];

    /// <summary>a=ssrc-group lines.</summary>
    public IList<SdpSsrcGroup> SsrcGroups { get; } = [];

    /// <summary>a=ssrc lines.</summary>
    public IList<SdpSsrc> Ssrcs { get; } = [];

    /// <summary>a=sctp-port (RFC 8841).</summary>
    public int? SctpPort { get; set; }

    /// <summary>a=max-message-size (RFC 8841).</summary>
    public long? MaxMessageSize { get; set; }

    /// <summary>True for an RTP profile ("RTP/" in the protocol), whose formats are payload types.</summary>
    public bool IsRtp => Protocol.Contains("RTP/", StringComparison.Ordinal);

    /// <summary>The direction in effect (absent means sendrecv).</summary>
    public SdpDirection EffectiveDirection => Direction ?? SdpDirection.SendRecv;

    /// <summary>The rtpmap of <paramref name="payloadType"/>, or null.</summary>
    public SdpRtpMap? GetRtpMap(int payloadType) => RtpMaps.FirstOrDefault(r => r.PayloadType == payloadType);

    /// <summary>The fmtp parameters of <paramref name="payloadType"/>, or null.</summary>
    public SdpFmtp? GetFmtp(int payloadType) => Fmtps.FirstOrDefault(r => r.Format == payloadType);

    /// <summary>Orders rtpmap, fmtp and rtcp-fb by the m= format order (stable), as the serializer writes them.</summary>
    internal void Normalize()
    {
        Sort(RtpMaps, r => r.PayloadType);
        Sort(Fmtps, r => r.Format);
        Sort(RtcpFeedbacks, r => r.PayloadType);
    }

    internal int FormatIndex(int? payloadType)
    {
        if (payloadType is null)
        {
            return int.MaxValue;
        }

        var text = payloadType.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var index = Formats.IndexOf(text);
        return index < 0 ? int.MaxValue - 1 : index;
    }

    private void Sort<T>(IList<T> list, Func<T, int?> key)
    {
        var sorted = list.Select((item, i) => (item, i)).OrderBy(x => FormatIndex(key(x.item))).ThenBy(x => x.i).Select(x => x.item).ToList();
        list.Clear();
        foreach (var item in sorted)
        {
            list.Add(item);
        }
    }
}
