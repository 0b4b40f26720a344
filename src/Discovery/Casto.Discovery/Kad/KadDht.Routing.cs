using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Google.Protobuf;
using MessageType = Casto.Discovery.Kad.Pb.Message.Types.MessageType;

namespace Casto.Discovery.Kad;

/// <content>Peer routing, bootstrap and routing-table refresh.</content>
public sealed partial class KadDht
{
    /// <summary>The k peers closest to <paramref name="key"/> that answered a FIND_NODE lookup (see <see cref="KadQueryStats.Closest"/>).</summary>
    public async ValueTask<KadQueryStats> GetClosestPeersAsync(byte[] key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = ByteString.CopyFrom(key);
        return await LookupAsync(key, () => new Pb.Message { Type = MessageType.FindNode, Key = bytes }, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Finds the addresses of <paramref name="peer"/>: from an open connection or the routing table, else by a lookup
    /// that stops as soon as some peer names it. Null when it was not found.
    /// </summary>
    public async ValueTask<KadPeer?> FindPeerAsync(PeerId peer, KadQueryStats? stats = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var known = _table.All().Find(e => e.Peer == peer);
        if (known is not null && known.Addresses.Length > 0)
        {
            return new KadPeer(peer, known.Addresses);
        }

        KadPeer? found = null;
        var key = ByteString.CopyFrom(peer.Bytes);
        var result = await LookupAsync(peer.Bytes.ToArray(), () => new Pb.Message { Type = MessageType.FindNode, Key = key }, (from, response) =>
        {
            if (from.PeerId == peer)
            {
                found = from;
                return true;
            }

            found = ParsePeers(response.CloserPeers).Find(p => p.PeerId == peer && p.Addresses.Count > 0) ?? found;
            return found is not null;
        }, cancellationToken).ConfigureAwait(false);
        Copy(result, stats);
        if (found is not null)
        {
            _host.PeerStore.AddAddresses(peer, found.Addresses);
        }

        return found;
    }

    /// <summary>
    /// Dials every <see cref="KadDhtOptions.BootstrapPeers"/> entry, adds those that answer FIND_NODE to the routing
    /// table, then looks up our own id to fill the table. Returns the routing table size.
    /// </summary>
    public async ValueTask<int> BootstrapAsync(CancellationToken cancellationToken = default)
    {
        var self = ByteString.CopyFrom(PeerId.Bytes);
        foreach (var address in _options.BootstrapPeers)
        {
            if (address.PeerId is not { } id || id == PeerId)
            {
                _log.BootstrapFailed(address.ToString(), "no /p2p peer id");
                continue;
            }

            var peer = new KadPeer(id, [address.Decapsulate(MultiaddrProtocol.P2p)]);
            try
            {
                if (await RequestAsync(peer, new Pb.Message { Type = MessageType.FindNode, Key = self }, expectResponse: true, cancellationToken).ConfigureAwait(false) is not null)
                {
                    Consider(id, peer.Addresses);
                }
            }
            catch (KadException ex)
            {
                _log.BootstrapFailed(address.ToString(), ex.Message);
            }
        }

        if (_table.Count > 0)
        {
            await GetClosestPeersAsync(PeerId.Bytes.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        return _table.Count;
    }

    /// <summary>Looks up a random key in every bucket not looked up within <see cref="KadDhtOptions.RefreshInterval"/>, and our own id.</summary>
    public async ValueTask RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (_table.Count == 0)
        {
            return;
        }

        await GetClosestPeersAsync(PeerId.Bytes.ToArray(), cancellationToken).ConfigureAwait(false);
        foreach (var prefix in _table.StaleBuckets())
        {
            await GetClosestPeersAsync(_table.RandomKeyInBucket(prefix), cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Copy(KadQueryStats from, KadQueryStats? to)
    {
        if (to is not null)
        {
            to.Queried = from.Queried;
            to.Failed = from.Failed;
            to.Hops = from.Hops;
            to.Closest = from.Closest;
        }
    }
}
