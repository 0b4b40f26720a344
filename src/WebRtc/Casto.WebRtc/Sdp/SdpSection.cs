namespace Casto.WebRtc.Sdp;

/// <summary>A line the model keeps verbatim: i=, u=, e=, p=, b=, z=, k=, r= and repeated t=.</summary>
/// <param name="Type">The type letter.</param>
/// <param name="Value">Everything after "=".</param>
public sealed record SdpLine(char Type, string Value);

/// <summary>What the session level and each media section share: ICE and DTLS attributes, c=, and unknown lines.</summary>
public abstract class SdpSection
{
    /// <summary>c=, or null.</summary>
    public SdpConnection? Connection { get; set; }

    /// <summary>a=ice-ufrag.</summary>
    public string? IceUfrag { get; set; }

    /// <summary>a=ice-pwd.</summary>
    public string? IcePwd { get; set; }

    /// <summary>a=ice-options, e.g. "trickle".</summary>
    public string? IceOptions { get; set; }

    /// <summary>a=fingerprint lines.</summary>
    public IList<SdpFingerprint> Fingerprints { get; } = [];

    /// <summary>a=setup.</summary>
    public SdpSetup? Setup { get; set; }

    /// <summary>a=candidate lines (media level in JSEP).</summary>
    public IList<SdpCandidate> Candidates { get; } = [];

    /// <summary>a=end-of-candidates.</summary>
    public bool EndOfCandidates { get; set; }

    /// <summary>Attributes the model does not interpret, in their original order.</summary>
    public IList<SdpAttribute> Attributes { get; } = [];

    /// <summary>Other lines (i=, b=, k=, …) in their original order.</summary>
    public IList<SdpLine> OtherLines { get; } = [];

    /// <summary>Applies an attribute shared by both levels; false when <paramref name="name"/> is not one of them.</summary>
    private protected bool TryApplyCommon(string name, string? value)
    {
        switch (name)
        {
            case "ice-ufrag":
                IceUfrag = SdpText.Token(value ?? string.Empty);
                return true;
            case "ice-pwd":
                IcePwd = SdpText.Token(value ?? string.Empty);
                return true;
            case "ice-options":
                IceOptions = value ?? throw Missing(name);
                return true;
            case "fingerprint":
                Fingerprints.Add(ParseFingerprint(value ?? throw Missing(name)));
                return true;
            case "setup":
                Setup = value switch
                {
                    "actpass" => SdpSetup.ActPass,
                    "active" => SdpSetup.Active,
                    "passive" => SdpSetup.Passive,
                    "holdconn" => SdpSetup.HoldConn,
                    _ => throw new SdpException(SdpError.InvalidValue, $"Invalid a=setup '{value}'."),
                };
                return true;
            case "candidate":
                Candidates.Add(SdpCandidate.Parse("candidate:" + (value ?? throw Missing(name))));
                return true;
            case "end-of-candidates":
                EndOfCandidates = true;
                return true;
            default:
                return false;
        }
    }

    private protected static SdpException Missing(string name) => new(SdpError.InvalidValue, $"a={name} needs a value.");

    internal static string SetupText(SdpSetup setup) => setup switch
    {
        SdpSetup.ActPass => "actpass",
        SdpSetup.Active => "active",
        SdpSetup.Passive => "passive",
        _ => "holdconn",
    };

    private static SdpFingerprint ParseFingerprint(string value)
    {
        var f = SdpText.Fields(value, 2);
        var hex = f[1].Split(':');
        if (hex.Length < 16 || hex.Any(h => h.Length != 2 || !h.All(char.IsAsciiHexDigit)))
        {
            throw new SdpException(SdpError.InvalidValue, $"Invalid a=fingerprint '{SdpText.Excerpt(value)}'.");
        }

        return new SdpFingerprint(SdpText.Token(f[0]), f[1]);
    }
}
