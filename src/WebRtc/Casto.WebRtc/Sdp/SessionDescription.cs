// Spec: https://www.rfc-editor.org/rfc/rfc8866 (SDP); WebRTC subset per JSEP https://www.rfc-editor.org/rfc/rfc9429 §5
namespace Casto.WebRtc.Sdp;

/// <summary>t= line (RFC 8866 §5.9); WebRTC always uses "0 0".</summary>
/// <param name="StartTime">NTP start time, 0 for unbounded.</param>
/// <param name="StopTime">NTP stop time, 0 for unbounded.</param>
public sealed record SdpTiming(ulong StartTime, ulong StopTime);

/// <summary>
/// A session description: the session level and its m= sections. <see cref="Parse"/> accepts CRLF or LF line endings
/// and bounds the input (<see cref="MaxLength"/>, <see cref="MaxLines"/>, <see cref="MaxMediaSections"/>);
/// <see cref="ToString"/> writes CRLF. Attributes the model does not know are kept in order in
/// <see cref="SdpSection.Attributes"/>.
/// </summary>
public sealed partial class SessionDescription : SdpSection
{
    /// <summary>Largest accepted description, in characters (64 KiB).</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Most lines accepted.</summary>
    public const int MaxLines = 4096;

    /// <summary>Most m= sections accepted.</summary>
    public const int MaxMediaSections = 64;

    /// <summary>Creates a description with the given origin.</summary>
    public SessionDescription(SdpOrigin origin) => Origin = origin;

    /// <summary>v=, always 0.</summary>
    public int Version { get; set; }

    /// <summary>o=.</summary>
    public SdpOrigin Origin { get; set; }

    /// <summary>s=, "-" in WebRTC.</summary>
    public string SessionName { get; set; } = "-";

    /// <summary>The first t= line.</summary>
    public SdpTiming Timing { get; set; } = new(0, 0);

    /// <summary>a=group lines (BUNDLE).</summary>
    public IList<SdpGroup> Groups { get; } = [];

    /// <summary>a=msid-semantic value, e.g. " WMS" or "WMS *" (kept verbatim).</summary>
    public string? MsidSemantic { get; set; }

    /// <summary>a=ice-lite.</summary>
    public bool IceLite { get; set; }

    /// <summary>The m= sections in order.</summary>
    public IList<MediaDescription> Media { get; } = [];

    /// <summary>The BUNDLE group, or null.</summary>
    public SdpGroup? BundleGroup => Groups.FirstOrDefault(g => g.Semantics == "BUNDLE");

    /// <summary>The media section with this mid, or null.</summary>
    public MediaDescription? GetMedia(string mid) => Media.FirstOrDefault(m => m.Mid == mid);

    /// <summary>Serializes with CRLF line endings.</summary>
    public override string ToString() => SdpWriter.Write(this);

    /// <summary>Applies one session-level a= line.</summary>
    private void ApplyAttribute(string name, string? value)
    {
        if (TryApplyCommon(name, value))
        {
            return;
        }

        switch (name)
        {
            case "group":
                var space = (value ?? throw Missing(name)).IndexOf(' ', StringComparison.Ordinal);
                Groups.Add(new SdpGroup(SdpText.Token(space < 0 ? value : value[..space]), space < 0 ? string.Empty : value[(space + 1)..]));
                break;
            case "msid-semantic":
                MsidSemantic = value ?? throw Missing(name);
                break;
            case "ice-lite":
                IceLite = true;
                break;
            default:
                Attributes.Add(new SdpAttribute(name, value));
                break;
        }
    }
}
