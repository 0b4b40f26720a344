using System.Globalization;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
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

    private Pb.Message HandleGetValue(Pb.Message request, PeerId from)
    {
        var response = Closer(new Pb.Message { Type = MessageType.GetValue, Key = request.Key }, request.Key, from);
        var key = request.Key.Span;
        if (_records.Get(key) is { } stored)
        {
            response.Record = MakeRecord(request.Key, stored.Value, stored.Received);
        }
        else if (PeerId.PublicKey is { } publicKey && key.SequenceEqual(KadKeys.ForPublicKey(PeerId)))
        {
            // our own key, when it is inlined in the peer id (Ed25519); other keys are served once put
            response.Record = MakeRecord(request.Key, publicKey.Protobuf.ToArray(), _options.TimeProvider.GetUtcNow());
        }

        return response;
    }

    private Pb.Message HandlePutValue(Pb.Message request)
    {
        var record = request.Record ?? throw new KadException(KadError.MalformedMessage, "PUT_VALUE without a record.");
        if (!record.Key.Equals(request.Key))
        {
            throw new KadException(KadError.InvalidRecord, "PUT_VALUE record key differs from the message key.");
        }

        var value = record.Value.ToByteArray();
        ValidateRecord(request.Key.Span, value);
        _records.Put(request.Key.Span, value);
        return request; // the spec: echo the request
    }

    private Pb.Message? HandleAddProvider(Pb.Message request, StreamContext context)
    {
        foreach (var provider in ParsePeers(request.ProviderPeers))
        {
            if (provider.PeerId != context.RemotePeer)
            {
                continue; // only the sender may announce itself (kad-dht §Content provider advertisement)
            }

            var addrs = provider.Addresses.Count > 0 ? provider.Addresses : [context.Connection.RemoteAddress];
            _providers.Add(request.Key.Span, provider.PeerId, addrs);
        }

        return null;
    }

    private Pb.Message HandleGetProviders(Pb.Message request, PeerId from)
    {
        var response = Closer(new Pb.Message { Type = MessageType.GetProviders, Key = request.Key }, request.Key, from);
        foreach (var provider in _providers.Get(request.Key.Span))
        {
            response.ProviderPeers.Add(ToPb(provider));
        }

        return response;
    }

    private static Pb.Record MakeRecord(ByteString key, byte[] value, DateTimeOffset received) => new()
    {
        Key = key,
        Value = ByteString.CopyFrom(value),
        TimeReceived = received.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
    };

    /// <summary>Throws <see cref="KadException"/> (<see cref="KadError.InvalidRecord"/>) unless a validator accepts the record.</summary>
    private void ValidateRecord(ReadOnlySpan<byte> key, byte[] value)
    {
        if (value.Length > _options.MaxRecordSize)
        {
            throw new KadException(KadError.InvalidRecord, $"A record of {value.Length} bytes exceeds {_options.MaxRecordSize}.");
        }

        var ns = KadKeys.NamespaceOf(key);
        if (ns is null || !_options.Validators.TryGetValue(ns, out var validator))
        {
            throw new KadException(KadError.InvalidRecord, $"No validator for the namespace of the key ({ns ?? "none"}).");
        }

        if (!validator.Validate(key, value))
        {
            throw new KadException(KadError.InvalidRecord, $"The /{ns}/ validator refused the record.");
        }
    }
}
