using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Google.Protobuf;

namespace Casto.Discovery.Kad;

/// <content>Outbound RPCs: one stream per request (kad-dht §RPC messages), bounded by <see cref="KadDhtOptions.RequestTimeout"/>.</content>
public sealed partial class KadDht
{
    /// <summary>Sends <paramref name="request"/> to <paramref name="peer"/>; returns its response (null when none is expected).</summary>
    internal async ValueTask<Pb.Message?> RequestAsync(KadPeer peer, Pb.Message request, bool expectResponse, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var context = await OpenStreamAsync(peer, linked.Token).ConfigureAwait(false);
            await using (context.Stream.ConfigureAwait(false))
            {
                try
                {
                    await KadCodec.WriteAsync(context.Stream.Output, request, _options.MaxMessageSize, linked.Token).ConfigureAwait(false);
                    if (!expectResponse)
                    {
                        await context.Stream.Output.CompleteAsync().ConfigureAwait(false);
                        await DrainAsync(context, linked.Token).ConfigureAwait(false);
                        return null;
                    }

                    var response = await KadCodec.ReadAsync(context.Stream.Input, _options.MaxMessageSize, linked.Token).ConfigureAwait(false)
                        ?? throw new KadException(KadError.MalformedMessage, $"{peer.PeerId} closed the stream without a response.");
                    await context.Stream.Output.CompleteAsync().ConfigureAwait(false);
                    return response;
                }
                catch
                {
                    context.Stream.Reset();
                    throw;
                }
            }
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new KadException(KadError.Timeout, $"{peer.PeerId} did not answer within {_options.RequestTimeout}.", ex);
        }
        catch (IOException ex) when (ex is not KadException)
        {
            throw new KadException(KadError.Unreachable, $"{peer.PeerId}: {ex.Message}", ex);
        }
    }

    /// <summary>Waits for the remote to close after a request without response (so our message is not cut off by a reset).</summary>
    private async ValueTask DrainAsync(StreamContext context, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await context.Stream.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
                context.Stream.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled || result.Buffer.Length > _options.MaxMessageSize)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // the message was written; the remote closing abruptly afterwards is its business
        }
    }

    /// <summary>Parses the peers of a message: invalid ids and addresses are skipped, lists and addresses are capped, we are left out.</summary>
    internal List<KadPeer> ParsePeers(IEnumerable<Pb.Message.Types.Peer> peers)
    {
        var result = new List<KadPeer>();
        foreach (var peer in peers.Take(2 * _options.K))
        {
            PeerId id;
            try
            {
                id = PeerId.FromBytes(peer.Id.Span);
            }
            catch (FormatException)
            {
                continue;
            }

            if (id == PeerId || result.Exists(p => p.PeerId == id))
            {
                continue;
            }

            var addrs = new List<Multiaddr>();
            foreach (var bytes in peer.Addrs.Take(_options.MaxAddressesPerPeer))
            {
                try
                {
                    addrs.Add(Multiaddr.FromBytes(bytes.Span).Decapsulate(MultiaddrProtocol.P2p));
                }
                catch (FormatException)
                {
                }
            }

            result.Add(new KadPeer(id, addrs));
        }

        return result;
    }

    private static Pb.Message.Types.Peer ToPb(KadPeer peer)
    {
        var pb = new Pb.Message.Types.Peer { Id = ByteString.CopyFrom(peer.PeerId.Bytes) };
        foreach (var address in peer.Addresses)
        {
            pb.Addrs.Add(ByteString.CopyFrom(address.Bytes));
        }

        return pb;
    }

    private KadPeer Self() => new(PeerId, [.. _host.ListenAddresses.Select(a => a.Decapsulate(MultiaddrProtocol.P2p))]);
}
