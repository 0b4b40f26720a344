using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiformats;
using Google.Protobuf;
using MessageType = Casto.Discovery.Kad.Pb.Message.Types.MessageType;

namespace Casto.Discovery.Kad;

/// <content>Server mode: answering inbound requests; several requests may follow each other on one stream.</content>
public sealed partial class KadDht
{
    private async ValueTask HandleStreamAsync(StreamContext context, CancellationToken cancellationToken)
    {
        var stream = context.Stream;
        try
        {
            while (true)
            {
                using var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _stopping.Token);
                var request = await KadCodec.ReadAsync(stream.Input, _options.MaxMessageSize, linked.Token).ConfigureAwait(false);
                if (request is null)
                {
                    break;
                }

                if (Handle(context, request) is { } response)
                {
                    await KadCodec.WriteAsync(stream.Output, response, _options.MaxMessageSize, linked.Token).ConfigureAwait(false);
                }
            }

            await stream.Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            if (ex is KadException { Error: KadError.MessageTooLarge or KadError.MalformedMessage })
            {
                Interlocked.Increment(ref _malformed);
            }

            _log.InboundFailed(context.RemotePeer.ToString(), ex.Message);
            stream.Reset();
        }
    }

    /// <summary>Answers one request; null for ADD_PROVIDER (no response). Throws <see cref="KadException"/> on a bad request.</summary>
    internal Pb.Message? Handle(StreamContext context, Pb.Message request)
    {
        var from = context.RemotePeer;
        if (request.Type != MessageType.Ping && request.Key.IsEmpty)
        {
            throw new KadException(KadError.MalformedMessage, $"{request.Type} without a key.");
        }

        return request.Type switch
        {
            MessageType.FindNode => Closer(new Pb.Message { Type = MessageType.FindNode, Key = request.Key }, request.Key, from),
            MessageType.GetValue => HandleGetValue(request, from),
            MessageType.PutValue => HandlePutValue(request),
            MessageType.AddProvider => HandleAddProvider(request, context),
            MessageType.GetProviders => HandleGetProviders(request, from),
            MessageType.Ping => new Pb.Message { Type = MessageType.Ping },
            _ => throw new KadException(KadError.MalformedMessage, $"Unknown message type {request.Type}."),
        };
    }

    private Pb.Message Closer(Pb.Message response, ByteString key, PeerId? exclude)
    {
        foreach (var entry in _table.Closest(KadId.FromKey(key.Span), _options.K, exclude))
        {
            response.CloserPeers.Add(ToPb(new KadPeer(entry.Peer, entry.Addresses)));
        }

        if (key.Span.SequenceEqual(PeerId.Bytes))
        {
            response.CloserPeers.Add(ToPb(Self())); // a FIND_NODE for us: say where we are (as js does)
        }

        return response;
    }

    private Pb.Message? HandleAddProvider(Pb.Message request, StreamContext context)
    {
        var key = ProviderKey(request.Key);
        foreach (var provider in ParsePeers(request.ProviderPeers))
        {
            if (provider.PeerId != context.RemotePeer)
            {
                continue; // only the sender may announce itself (kad-dht §Content provider advertisement)
            }

            var addrs = provider.Addresses.Count > 0 ? provider.Addresses : [context.Connection.RemoteAddress];
            _providers.Add(key, provider.PeerId, addrs);
        }

        return null;
    }

    private Pb.Message HandleGetProviders(Pb.Message request, PeerId from)
    {
        var response = Closer(new Pb.Message { Type = MessageType.GetProviders, Key = request.Key }, request.Key, from);
        foreach (var provider in _providers.Get(ProviderKey(request.Key)))
        {
            response.ProviderPeers.Add(ToPb(provider));
        }

        return response;
    }

    /// <summary>A provider key is a multihash (spec, js, go); a whole CID is accepted too and reduced to its multihash.</summary>
    private static byte[] ProviderKey(ByteString key)
    {
        try
        {
            return Multihash.Parse(key.Span).Bytes.ToArray();
        }
        catch (FormatException)
        {
        }

        try
        {
            return Cid.FromBytes(key.Span).Hash.Bytes.ToArray();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new KadException(KadError.MalformedMessage, "A provider key is neither a multihash nor a CID.", ex);
        }
    }
}
