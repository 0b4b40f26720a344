namespace Casto.WebRtc.Sdp;

/// <summary>What <see cref="JsepNegotiator.CreateAnswer"/> needs from the local side.</summary>
public sealed class JsepAnswerOptions
{
    /// <summary>Supported codecs, in preference order. Default: <see cref="JsepCodec.Defaults"/>.</summary>
    public IList<JsepCodec> Codecs { get; } = [.. JsepCodec.Defaults];

    /// <summary>Header-extension URIs we accept. Default: sdes:mid (RFC 9143 §14).</summary>
    public IList<string> HeaderExtensions { get; } = ["urn:ietf:params:rtp-hdrext:sdes:mid"];

    /// <summary>Our a=ice-ufrag. Required.</summary>
    public string IceUfrag { get; set; } = string.Empty;

    /// <summary>Our a=ice-pwd. Required.</summary>
    public string IcePwd { get; set; } = string.Empty;

    /// <summary>Our certificate fingerprint. Required.</summary>
    public SdpFingerprint? Fingerprint { get; set; }

    /// <summary>Our role when the offer says actpass: <see cref="SdpSetup.Active"/> (default, RFC 8842 §5.3) or passive.</summary>
    public SdpSetup SetupWhenActPass { get; set; } = SdpSetup.Active;

    /// <summary>What we want to do with media: send and/or receive. Default sendrecv.</summary>
    public SdpDirection LocalDirection { get; set; } = SdpDirection.SendRecv;

    /// <summary>Add a=ice-lite.</summary>
    public bool IceLite { get; set; }

    /// <summary>Answer RTX for accepted video codecs when offered. Default true.</summary>
    public bool Rtx { get; set; } = true;

    /// <summary>Accept an m=application data-channel section (else it is rejected). Default false.</summary>
    public bool AcceptDataChannel { get; set; }

    /// <summary>a=max-message-size when accepting a data channel. Default 262144.</summary>
    public long MaxMessageSize { get; set; } = 262144;

    /// <summary>o= session id. Default 1.</summary>
    public ulong SessionId { get; set; } = 1;

    /// <summary>Local candidates, put in the first accepted section followed by a=end-of-candidates (none: trickle later).</summary>
    public IList<SdpCandidate> Candidates { get; } = [];

    internal void Validate()
    {
        if (IceUfrag.Length == 0 || IcePwd.Length == 0 || Fingerprint is null)
        {
            throw new SdpException(SdpError.Negotiation, "An answer needs ice-ufrag, ice-pwd and a fingerprint.");
        }

        if (SetupWhenActPass is not (SdpSetup.Active or SdpSetup.Passive))
        {
            throw new SdpException(SdpError.Negotiation, "SetupWhenActPass must be active or passive.");
        }
    }
}
