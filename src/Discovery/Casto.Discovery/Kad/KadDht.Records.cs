using System.Globalization;
using Casto.Stack.Identity;
using Google.Protobuf;
using MessageType = Casto.Discovery.Kad.Pb.Message.Types.MessageType;

namespace Casto.Discovery.Kad;

/// <content>Server side of GET_VALUE and PUT_VALUE, and record validation.</content>
public sealed partial class KadDht
{
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
