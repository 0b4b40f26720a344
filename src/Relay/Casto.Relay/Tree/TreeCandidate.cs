using Casto.Relay.Tree.Wire;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Google.Protobuf;

namespace Casto.Relay.Tree;

/// <summary>A node that may take a child for a stream: where to dial it and how it ranks (depth first, then free room).</summary>
/// <param name="PeerId">Its peer id.</param>
/// <param name="Addresses">Where to dial it (the peer store may know more).</param>
/// <param name="Depth">Its depth (the broadcaster is 0); <see cref="int.MaxValue"/> when unknown.</param>
/// <param name="Free">Children it can still take, as last heard; -1 when unknown.</param>
public sealed record TreeCandidate(PeerId PeerId, IReadOnlyList<Multiaddr> Addresses, int Depth = int.MaxValue, int Free = -1)
{
    internal Candidate ToWire()
    {
        var c = new Candidate { PeerId = ByteString.CopyFrom(PeerId.Bytes), Depth = (uint)Math.Min(Depth, int.MaxValue) };
        if (Free >= 0)
        {
            c.Free = (uint)Free;
        }

        foreach (Multiaddr a in Addresses)
        {
            c.Addrs.Add(ByteString.CopyFrom(a.Bytes));
        }

        return c;
    }

    /// <summary>From the wire; null when the peer id or an address does not parse (the entry is skipped).</summary>
    internal static TreeCandidate? FromWire(Candidate c, int maxAddresses = 8)
    {
        try
        {
            var addresses = c.Addrs.Take(maxAddresses).Select(a => Multiaddr.FromBytes(a.Span)).ToArray();
            return new TreeCandidate(PeerId.FromBytes(c.PeerId.Span), addresses, (int)Math.Min(c.Depth, int.MaxValue), c.HasFree ? (int)Math.Min(c.Free, 1000) : -1);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException) // identity, multiaddr and multihash errors are FormatExceptions
        {
            return null;
        }
    }
}
