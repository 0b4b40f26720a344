using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Casto.Testing;

/// <summary>The 127.0.0.1 host candidate of an SDP, and the same SDP pointed at a proxy (see <see cref="LossyUdpProxy"/>).</summary>
public static partial class LoopbackSdp
{
    /// <summary>The 127.0.0.1 host candidate of <paramref name="sdp"/>; throws when it has none.</summary>
    public static IPEndPoint CandidateOf(string sdp)
    {
        var match = HostCandidate().Match(sdp);
        if (!match.Success)
        {
            throw new InvalidOperationException("The SDP has no 127.0.0.1 host candidate.");
        }

        return new IPEndPoint(IPAddress.Loopback, int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Replaces the host candidate's port with the proxy's, so ICE runs through the proxy.</summary>
    public static string PointAt(string sdp, IPEndPoint proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        return HostCandidate().Replace(sdp, m => $"{m.Groups[1].Value}127.0.0.1 {proxy.Port.ToString(CultureInfo.InvariantCulture)}{m.Groups[3].Value}");
    }

    [GeneratedRegex(@"(a=candidate:\S+ 1 udp \d+ )127\.0\.0\.1 (\d+)( typ host)", RegexOptions.CultureInvariant)]
    private static partial Regex HostCandidate();
}
