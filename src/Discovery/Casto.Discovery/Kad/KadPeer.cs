using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Kad;

/// <summary>A peer learned from the DHT, with the addresses it was reported at (without <c>/p2p</c>).</summary>
public sealed record KadPeer(PeerId PeerId, IReadOnlyList<Multiaddr> Addresses);
