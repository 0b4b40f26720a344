namespace Casto.WebRtc.Sdp;

/// <summary>Media direction attribute (RFC 8866 §6.7).</summary>
public enum SdpDirection
{
    /// <summary>a=sendrecv</summary>
    SendRecv,
    /// <summary>a=sendonly</summary>
    SendOnly,
    /// <summary>a=recvonly</summary>
    RecvOnly,
    /// <summary>a=inactive</summary>
    Inactive,
}

/// <summary>DTLS role (a=setup, RFC 4145 §4 / RFC 8842 §5).</summary>
public enum SdpSetup
{
    /// <summary>Either role; offers use this.</summary>
    ActPass,
    /// <summary>This endpoint starts the DTLS handshake (client).</summary>
    Active,
    /// <summary>This endpoint waits for the handshake (server).</summary>
    Passive,
    /// <summary>Keep the existing connection.</summary>
    HoldConn,
}

/// <summary>o= line (RFC 8866 §5.2).</summary>
/// <param name="Username">User name, "-" when none.</param>
/// <param name="SessionId">Numeric session id (kept as text: browsers use up to 64-bit values).</param>
/// <param name="SessionVersion">Version, incremented on each change.</param>
/// <param name="NetworkType">"IN".</param>
/// <param name="AddressType">"IP4" or "IP6".</param>
/// <param name="Address">Unicast address, usually 127.0.0.1 or 0.0.0.0.</param>
public sealed record SdpOrigin(string Username, string SessionId, ulong SessionVersion, string NetworkType, string AddressType, string Address);

/// <summary>c= line (RFC 8866 §5.7).</summary>
/// <param name="NetworkType">"IN".</param>
/// <param name="AddressType">"IP4" or "IP6".</param>
/// <param name="Address">Address, 0.0.0.0 under ICE.</param>
public sealed record SdpConnection(string NetworkType, string AddressType, string Address);

/// <summary>An attribute the model does not interpret, kept verbatim and in order.</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Value">Value after the colon, or null for a property attribute.</param>
public sealed record SdpAttribute(string Name, string? Value);

/// <summary>a=fingerprint (RFC 8122 §5): hash function and colon-separated upper-case hex.</summary>
/// <param name="HashFunction">e.g. "sha-256".</param>
/// <param name="Value">e.g. "AB:CD:…".</param>
public sealed record SdpFingerprint(string HashFunction, string Value);

/// <summary>a=group (RFC 5888), e.g. BUNDLE 0 1.</summary>
/// <param name="Semantics">e.g. "BUNDLE".</param>
/// <param name="Mids">The grouped mids, in order (joined by spaces).</param>
public sealed record SdpGroup(string Semantics, string Mids)
{
    /// <summary>The mids as a list.</summary>
    public IReadOnlyList<string> MidList => Mids.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>a=rtpmap (RFC 8866 §6.6).</summary>
/// <param name="PayloadType">0–127.</param>
/// <param name="EncodingName">e.g. "opus", "VP8", "H264", "rtx".</param>
/// <param name="ClockRate">Hz.</param>
/// <param name="Channels">Audio channels, or null when absent.</param>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels);

/// <summary>a=fmtp (RFC 8866 §6.15): format-specific parameters, verbatim.</summary>
/// <param name="Format">The payload type.</param>
/// <param name="Parameters">e.g. "minptime=10;useinbandfec=1".</param>
public sealed record SdpFmtp(int Format, string Parameters)
{
    /// <summary>The parameters as key/value pairs (";"-separated "key=value"; a bare value gets an empty key).</summary>
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in Parameters.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            result[eq < 0 ? string.Empty : part[..eq].Trim()] = eq < 0 ? part : part[(eq + 1)..].Trim();
        }

        return result;
    }
}

/// <summary>a=rtcp-fb (RFC 4585 §4.2), e.g. "96 nack pli".</summary>
/// <param name="PayloadType">The payload type, or null for "*".</param>
/// <param name="Type">e.g. "nack", "ccm", "goog-remb", "transport-cc".</param>
/// <param name="Parameter">e.g. "pli", "fir", or null.</param>
public sealed record SdpRtcpFeedback(int? PayloadType, string Type, string? Parameter);

/// <summary>a=extmap (RFC 8285 §8).</summary>
/// <param name="Id">1–14 (one-byte) or 1–255 (two-byte).</param>
/// <param name="Direction">Optional direction after "/".</param>
/// <param name="Uri">Extension URI.</param>
/// <param name="Attributes">Extension attributes, or null.</param>
public sealed record SdpExtmap(int Id, SdpDirection? Direction, string Uri, string? Attributes);

/// <summary>a=msid (RFC 8830 §2).</summary>
/// <param name="StreamId">MediaStream id, "-" for none.</param>
/// <param name="TrackId">Optional application data (track id).</param>
public sealed record SdpMsid(string StreamId, string? TrackId);

/// <summary>a=ssrc (RFC 5576 §4.1), e.g. "1234 cname:abc".</summary>
/// <param name="Ssrc">The SSRC.</param>
/// <param name="Attribute">Source attribute name, e.g. "cname", "msid".</param>
/// <param name="Value">Its value, or null.</param>
public sealed record SdpSsrc(uint Ssrc, string Attribute, string? Value);

/// <summary>a=ssrc-group (RFC 5576 §4.2), e.g. "FID 1 2".</summary>
/// <param name="Semantics">e.g. "FID", "SIM".</param>
/// <param name="Ssrcs">The SSRCs, space-separated.</param>
public sealed record SdpSsrcGroup(string Semantics, string Ssrcs);
