// Spec: https://github.com/libp2p/specs/blob/master/discovery/mdns.md#response
using System.Net;
using System.Text;
using Casto.Discovery.Dns;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Mdns;

/// <summary>
/// The libp2p mDNS records:
/// <code>
/// &lt;service&gt;             PTR &lt;peer-name&gt;.&lt;service&gt;
/// &lt;peer-name&gt;.&lt;service&gt; TXT "dnsaddr=/ip4/…/tcp/…/p2p/&lt;id&gt;" …
/// </code>
/// </summary>
internal static class MdnsRecords
{
    private const string DnsAddrPrefix = "dnsaddr=";

    /// <summary>The DNS-SD service type enumeration name (RFC 6763 §9).</summary>
    public const string ServicesMetaQuery = "_services._dns-sd._udp.local";

    /// <summary>The answer to the meta query: <c>_services._dns-sd._udp.local PTR &lt;service&gt;</c> (libp2p mDNS spec, "Meta Query").</summary>
    public static DnsMessage ServiceType(string service, uint ttl) => DnsMessage.Response([new DnsPtrRecord(ServicesMetaQuery, ttl, service)]);

    /// <summary>The "find all peers" query.</summary>
    public static DnsMessage Query(string service) => DnsMessage.Query(new DnsQuestion(service, DnsRecordType.Ptr));

    /// <summary>
    /// Our response: the PTR and TXT in the answers (where js-libp2p reads them) and the TXT again in the
    /// additionals (where the spec puts it).
    /// </summary>
    public static DnsMessage Response(string service, string instance, IReadOnlyList<string> dnsaddrs, uint ttl)
    {
        var ptr = new DnsPtrRecord(service, ttl, instance);
        var txt = DnsTxtRecord.FromStrings(instance, ttl, dnsaddrs.Select(a => DnsAddrPrefix + a));
        return DnsMessage.Response([ptr, txt], [txt]);
    }

    /// <summary>
    /// The goodbye (RFC 6762 §10.1): our PTR with TTL 0. The TXT is left out on purpose: js-libp2p ignores TTLs and
    /// would take a goodbye carrying addresses for a fresh sighting; without a TXT it ignores the message.
    /// </summary>
    public static DnsMessage Goodbye(string service, string instance) => DnsMessage.Response([new DnsPtrRecord(service, 0, instance)]);

    /// <summary>The strings to announce: allowed addresses with /p2p/&lt;id&gt;, each fitting one 255-byte TXT string.</summary>
    public static List<string> Announced(PeerId peerId, IEnumerable<Multiaddr> addresses, bool onlyPrivate, int max)
    {
        var result = new List<string>();
        foreach (var address in addresses)
        {
            if (onlyPrivate && !IsPrivate(address))
            {
                continue;
            }

            var text = address.WithPeerId(peerId).ToString();
            if (Encoding.UTF8.GetByteCount(text) + DnsAddrPrefix.Length <= 255 && !result.Contains(text) && result.Count < max)
            {
                result.Add(text);
            }
        }

        return result;
    }

    /// <summary>Reads the peer in TXT records: its id and addresses (without /p2p), or null.</summary>
    public static (PeerId PeerId, Multiaddr[] Addrs)? ParsePeer(IEnumerable<DnsTxtRecord> txts, int maxAddresses)
    {
        PeerId? peer = null;
        var addrs = new List<Multiaddr>();
        foreach (var text in txts.SelectMany(t => t.Strings))
        {
            var span = text.Span;
            if (!span.StartsWith("dnsaddr="u8) || !Multiaddr.TryParse(Encoding.UTF8.GetString(span[DnsAddrPrefix.Length..]), out var address))
            {
                continue;
            }

            PeerId? id;
            try
            {
                id = address.PeerId;
            }
            catch (IdentityException)
            {
                continue;
            }

            peer ??= id;
            if (id is null || id != peer)
            {
                continue;
            }

            var bare = address.Decapsulate(MultiaddrProtocol.P2p);
            if (!bare.IsEmpty && !addrs.Contains(bare) && addrs.Count < maxAddresses)
            {
                addrs.Add(bare);
            }
        }

        return peer is null ? null : (peer, [.. addrs]);
    }

    /// <summary>Loopback, RFC 1918, link-local, CGNAT-free private ranges and IPv6 ULA/link-local, like js-libp2p's isPrivate.</summary>
    public static bool IsPrivate(Multiaddr address)
    {
        var first = address.Components.Count > 0 ? address.Components[0] : default;
        if (first.Protocol != MultiaddrProtocol.Ip4 && first.Protocol != MultiaddrProtocol.Ip6)
        {
            return false;
        }

        var ip = IPAddress.Parse(first.Value);
        if (IPAddress.IsLoopback(ip) || ip.IsIPv6LinkLocal || ip.IsIPv6UniqueLocal)
        {
            return true;
        }

        var b = ip.GetAddressBytes();
        return b.Length == 4 && (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254));
    }
}
