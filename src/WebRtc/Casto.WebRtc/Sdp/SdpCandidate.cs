// Spec: https://www.rfc-editor.org/rfc/rfc8839#section-5.1 (candidate attribute grammar)
using System.Globalization;
using System.Text;

namespace Casto.WebRtc.Sdp;

/// <summary>ICE candidate type (RFC 8445 §5.1.1).</summary>
public enum SdpCandidateType
{
    /// <summary>typ host</summary>
    Host,
    /// <summary>typ srflx</summary>
    ServerReflexive,
    /// <summary>typ prflx</summary>
    PeerReflexive,
    /// <summary>typ relay</summary>
    Relay,
}

/// <summary>
/// One ICE candidate:
/// <code>
/// candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
///                       connection-address SP port SP "typ" SP cand-type
///                       [SP "raddr" SP connection-address] [SP "rport" SP port] *(SP extension-att-name SP extension-att-value)
/// </code>
/// Known extensions: tcptype (RFC 6544), generation, ufrag, network-id, network-cost (Chromium); others are kept in
/// <see cref="OtherExtensions"/>.
/// </summary>
/// <param name="Foundation">1–32 ice-chars.</param>
/// <param name="Component">1 = RTP, 2 = RTCP.</param>
/// <param name="Transport">"udp" or "tcp" (case kept).</param>
/// <param name="Priority">Candidate priority.</param>
/// <param name="Address">IP address or mDNS/FQDN name.</param>
/// <param name="Port">Port.</param>
/// <param name="Type">Candidate type.</param>
public sealed record SdpCandidate(string Foundation, int Component, string Transport, uint Priority, string Address, int Port, SdpCandidateType Type)
{
    /// <summary>raddr, for reflexive and relayed candidates.</summary>
    public string? RelatedAddress { get; init; }

    /// <summary>rport.</summary>
    public int? RelatedPort { get; init; }

    /// <summary>tcptype: active, passive or so.</summary>
    public string? TcpType { get; init; }

    /// <summary>generation (Chromium).</summary>
    public int? Generation { get; init; }

    /// <summary>ufrag (trickle).</summary>
    public string? Ufrag { get; init; }

    /// <summary>network-id (Chromium).</summary>
    public int? NetworkId { get; init; }

    /// <summary>network-cost (Chromium).</summary>
    public int? NetworkCost { get; init; }

    /// <summary>Other extension name/value pairs, space-separated, in order; null when none.</summary>
    public string? OtherExtensions { get; init; }

    /// <summary>Parses "candidate:…", with or without a leading "a=".</summary>
    public static SdpCandidate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.StartsWith("a=", StringComparison.Ordinal) ? text[2..] : text;
        if (!value.StartsWith("candidate:", StringComparison.Ordinal))
        {
            throw Invalid(text);
        }

        var f = value["candidate:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 8 || f.Length % 2 != 0 || f[6] != "typ" || f[0].Length > 32 || !f[0].All(IsIceChar))
        {
            throw Invalid(text);
        }

        var type = f[7] switch
        {
            "host" => SdpCandidateType.Host,
            "srflx" => SdpCandidateType.ServerReflexive,
            "prflx" => SdpCandidateType.PeerReflexive,
            "relay" => SdpCandidateType.Relay,
            _ => throw Invalid(text),
        };
        var candidate = new SdpCandidate(f[0], SdpText.Int(f[1], 1, 256), SdpText.Token(f[2]), SdpText.UInt(f[3]), SdpText.Token(f[4]), SdpText.Int(f[5], 0, 65535), type);
        StringBuilder? other = null;
        for (var i = 8; i < f.Length; i += 2)
        {
            var v = f[i + 1];
            candidate = f[i] switch
            {
                "raddr" => candidate with { RelatedAddress = v },
                "rport" => candidate with { RelatedPort = SdpText.Int(v, 0, 65535) },
                "tcptype" => candidate with { TcpType = v },
                "generation" => candidate with { Generation = SdpText.Int(v, 0, int.MaxValue) },
                "ufrag" => candidate with { Ufrag = v },
                "network-id" => candidate with { NetworkId = SdpText.Int(v, 0, int.MaxValue) },
                "network-cost" => candidate with { NetworkCost = SdpText.Int(v, 0, int.MaxValue) },
                _ => candidate,
            };
            if (f[i] is not ("raddr" or "rport" or "tcptype" or "generation" or "ufrag" or "network-id" or "network-cost"))
            {
                other = (other is null ? new StringBuilder() : other.Append(' ')).Append(f[i]).Append(' ').Append(v);
            }
        }

        return candidate with { OtherExtensions = other?.ToString() };
    }

    /// <summary>The attribute value, "candidate:…" (no "a=").</summary>
    public override string ToString()
    {
        var ic = CultureInfo.InvariantCulture;
        var b = new StringBuilder("candidate:")
            .Append(ic, $"{Foundation} {Component} {Transport} {Priority} {Address} {Port} typ ")
            .Append(Type switch
            {
                SdpCandidateType.Host => "host",
                SdpCandidateType.ServerReflexive => "srflx",
                SdpCandidateType.PeerReflexive => "prflx",
                _ => "relay",
            });
        Append(b, "raddr", RelatedAddress);
        Append(b, "rport", RelatedPort?.ToString(ic));
        Append(b, "tcptype", TcpType);
        Append(b, "generation", Generation?.ToString(ic));
        Append(b, "ufrag", Ufrag);
        Append(b, "network-id", NetworkId?.ToString(ic));
        Append(b, "network-cost", NetworkCost?.ToString(ic));
        if (OtherExtensions is not null)
        {
            b.Append(' ').Append(OtherExtensions);
        }

        return b.ToString();
    }

    private static void Append(StringBuilder b, string name, string? value)
    {
        if (value is not null)
        {
            b.Append(' ').Append(name).Append(' ').Append(value);
        }
    }

    private static bool IsIceChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/';

    private static SdpException Invalid(string text) =>
        new(SdpError.InvalidValue, $"Invalid candidate: '{SdpText.Excerpt(text)}'.");
}
