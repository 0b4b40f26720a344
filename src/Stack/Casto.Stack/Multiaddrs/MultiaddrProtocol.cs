// Spec: https://github.com/multiformats/multiaddr/blob/master/protocols.csv
//       https://github.com/multiformats/multicodec/blob/master/table.csv
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Casto.Stack.Multiaddrs;

/// <summary>How a protocol's value is written in text and in binary.</summary>
public enum MultiaddrValueKind
{
    /// <summary>No value (e.g. <c>/ws</c>, <c>/p2p-circuit</c>).</summary>
    None,
    /// <summary>4 bytes; dotted decimal.</summary>
    Ip4,
    /// <summary>16 bytes; RFC 5952 text.</summary>
    Ip6,
    /// <summary>2 bytes big-endian; decimal 0–65535.</summary>
    Port,
    /// <summary>8 bytes big-endian; decimal (the in-memory transport's <c>/memory</c>).</summary>
    Number64,
    /// <summary>Length-prefixed UTF-8 without '/' (dns names, zones, SNI).</summary>
    Name,
    /// <summary>Length-prefixed UTF-8 path that consumes the rest of the text (unix).</summary>
    Path,
    /// <summary>Length-prefixed multihash of a peer id; base58btc text (CIDv1 accepted).</summary>
    PeerId,
    /// <summary>Length-prefixed multihash; multibase text (base64url written).</summary>
    Multihash,
}

/// <summary>One entry of the multiaddr protocol table.</summary>
/// <param name="Code">The multicodec code.</param>
/// <param name="Name">The text name.</param>
/// <param name="Kind">How its value is encoded.</param>
public sealed record MultiaddrProtocol(int Code, string Name, MultiaddrValueKind Kind)
{
#pragma warning disable CS1591 // the names are the spec's
    public static readonly MultiaddrProtocol Ip4 = new(0x04, "ip4", MultiaddrValueKind.Ip4);
    public static readonly MultiaddrProtocol Tcp = new(0x06, "tcp", MultiaddrValueKind.Port);
    public static readonly MultiaddrProtocol Dccp = new(0x21, "dccp", MultiaddrValueKind.Port);
    public static readonly MultiaddrProtocol Ip6 = new(0x29, "ip6", MultiaddrValueKind.Ip6);
    public static readonly MultiaddrProtocol Ip6Zone = new(0x2a, "ip6zone", MultiaddrValueKind.Name);
    public static readonly MultiaddrProtocol Dns = new(0x35, "dns", MultiaddrValueKind.Name);
    public static readonly MultiaddrProtocol Dns4 = new(0x36, "dns4", MultiaddrValueKind.Name);
    public static readonly MultiaddrProtocol Dns6 = new(0x37, "dns6", MultiaddrValueKind.Name);
    public static readonly MultiaddrProtocol DnsAddr = new(0x38, "dnsaddr", MultiaddrValueKind.Name);
    public static readonly MultiaddrProtocol Sctp = new(0x84, "sctp", MultiaddrValueKind.Port);
    public static readonly MultiaddrProtocol Udp = new(0x0111, "udp", MultiaddrValueKind.Port);
    public static readonly MultiaddrProtocol P2pWebRtcStar = new(0x0113, "p2p-webrtc-star", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol P2pWebRtcDirect = new(0x0114, "p2p-webrtc-direct", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol WebRtcDirect = new(0x0118, "webrtc-direct", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol WebRtc = new(0x0119, "webrtc", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol P2pCircuit = new(0x0122, "p2p-circuit", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Udt = new(0x012d, "udt", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Utp = new(0x012e, "utp", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Unix = new(0x0190, "unix", MultiaddrValueKind.Path);
    public static readonly MultiaddrProtocol P2p = new(0x01a5, "p2p", MultiaddrValueKind.PeerId);
    public static readonly MultiaddrProtocol Https = new(0x01bb, "https", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Tls = new(0x01c0, "tls", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Sni = new(0x01c1, "sni", MultiaddrValueKind.Name);
    public static readonly MultiaddrProtocol Noise = new(0x01c6, "noise", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Quic = new(0x01cc, "quic", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol QuicV1 = new(0x01cd, "quic-v1", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol WebTransport = new(0x01d1, "webtransport", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Certhash = new(0x01d2, "certhash", MultiaddrValueKind.Multihash);
    public static readonly MultiaddrProtocol Ws = new(0x01dd, "ws", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Wss = new(0x01de, "wss", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol P2pWebSocketStar = new(0x01df, "p2p-websocket-star", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Http = new(0x01e0, "http", MultiaddrValueKind.None);
    public static readonly MultiaddrProtocol Memory = new(0x0309, "memory", MultiaddrValueKind.Number64);
#pragma warning restore CS1591

    /// <summary>Every protocol Casto knows, in code order.</summary>
    public static IReadOnlyList<MultiaddrProtocol> All { get; } =
    [
        Ip4, Tcp, Dccp, Ip6, Ip6Zone, Dns, Dns4, Dns6, DnsAddr, Sctp, Udp, P2pWebRtcStar, P2pWebRtcDirect,
        WebRtcDirect, WebRtc, P2pCircuit, Udt, Utp, Unix, P2p, Https, Tls, Sni, Noise, Quic, QuicV1,
        WebTransport, Certhash, Ws, Wss, P2pWebSocketStar, Http, Memory,
    ];

    private static readonly FrozenDictionary<int, MultiaddrProtocol> ByCode = All.ToFrozenDictionary(p => p.Code);

    private static readonly FrozenDictionary<string, MultiaddrProtocol> ByName =
        All.Select(p => KeyValuePair.Create(p.Name, p))
            .Append(KeyValuePair.Create("ipfs", P2p)) // legacy alias, read only
            .ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, MultiaddrProtocol>.AlternateLookup<ReadOnlySpan<char>> ByNameSpan =
        ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Size in bytes of a fixed-size value, 0 for none, -1 for length-prefixed values.</summary>
    public int FixedSize => Kind switch
    {
        MultiaddrValueKind.None => 0,
        MultiaddrValueKind.Ip4 => 4,
        MultiaddrValueKind.Ip6 => 16,
        MultiaddrValueKind.Port => 2,
        MultiaddrValueKind.Number64 => 8,
        _ => -1,
    };

    /// <summary>Looks a protocol up by its code.</summary>
    public static bool TryGet(int code, [NotNullWhen(true)] out MultiaddrProtocol? protocol) =>
        ByCode.TryGetValue(code, out protocol);

    /// <summary>Looks a protocol up by its name (<c>ipfs</c> maps to <c>p2p</c>).</summary>
    public static bool TryGet(ReadOnlySpan<char> name, [NotNullWhen(true)] out MultiaddrProtocol? protocol) =>
        ByNameSpan.TryGetValue(name, out protocol);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
