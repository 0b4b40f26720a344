using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Kad;

/// <content>Routing-table admission: a full bucket pings (FIND_NODE, as the spec forbids sending PING) its oldest entry.</content>
public sealed partial class KadDht
{
    /// <summary>Offers a server peer to the table; a full bucket triggers a liveness check of its oldest entry.</summary>
    private AddResult Consider(PeerId peer, IReadOnlyList<Multiaddr> addresses)
    {
        var result = _table.TryAdd(peer, addresses, out var oldest);
        if (result == AddResult.Pending && oldest is not null && _table.TryBeginCheck(oldest))
        {
            _ = CheckLivenessAsync(oldest);
        }

        return result;
    }

    private async Task CheckLivenessAsync(RoutingEntry entry)
    {
        var alive = false;
        try
        {
            var request = new Pb.Message { Type = Pb.Message.Types.MessageType.FindNode, Key = Google.Protobuf.ByteString.CopyFrom(PeerId.Bytes) };
            alive = await RequestAsync(new KadPeer(entry.Peer, entry.Addresses), request, expectResponse: true, _stopping.Token).ConfigureAwait(false) is not null;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            _log.LivenessFailed(entry.Peer.ToString(), ex.Message);
        }
        finally
        {
            _table.EndCheck(entry, alive);
        }
    }
}
