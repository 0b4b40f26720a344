// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-5.1.1 (candidates), https://www.rfc-editor.org/rfc/rfc8839#section-5.1 (SDP form)
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Ice;

/// <summary>One UDP candidate of component 1 (rtcp-mux and BUNDLE: a single component).</summary>
internal sealed class IceCandidate
{
    public IceCandidate(string foundation, uint priority, IPEndPoint endPoint, SdpCandidateType type)
    {
        ArgumentNullException.ThrowIfNull(foundation);
        ArgumentNullException.ThrowIfNull(endPoint);
        Foundation = foundation;
        Priority = priority;
        EndPoint = endPoint;
        Type = type;
        SocketAddress = endPoint.Serialize();
    }

    public string Foundation { get; }

    public uint Priority { get; }

    public IPEndPoint EndPoint { get; }

    public SdpCandidateType Type { get; }

    /// <summary>raddr/rport: the base of a server-reflexive candidate, the mapped address of a relayed one; else null.</summary>
    public IPEndPoint? RelatedEndPoint { get; init; }

    /// <summary>Serialized once, so sends and source look-ups need no allocation.</summary>
    internal SocketAddress SocketAddress { get; }

    /// <summary>Remote only: an authenticated check arrived from it or a check to it succeeded, so non-STUN traffic from it is accepted.</summary>
    internal bool Validated { get; set; }

    /// <summary>From an SDP candidate line; only UDP with a literal IP address (no mDNS names) is accepted.</summary>
    public static IceCandidate FromSdp(SdpCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (!candidate.Transport.Equals("udp", StringComparison.OrdinalIgnoreCase) || candidate.Component != 1
            || !IPAddress.TryParse(candidate.Address, out var address))
        {
            throw new IceException(IceError.InvalidRemote, $"Unsupported candidate '{candidate}' (need UDP, component 1, an IP literal).");
        }

        return new IceCandidate(candidate.Foundation, candidate.Priority, new IPEndPoint(address, candidate.Port), candidate.Type);
    }

    public SdpCandidate ToSdp() =>
        new(Foundation, 1, "udp", Priority, EndPoint.Address.ToString(), EndPoint.Port, Type)
        {
            RelatedAddress = RelatedEndPoint?.Address.ToString(),
            RelatedPort = RelatedEndPoint?.Port,
        };

    public bool IsIPv6 => EndPoint.AddressFamily == AddressFamily.InterNetworkV6;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Type} {EndPoint} ({Priority})");
}
