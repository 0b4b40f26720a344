using Google.Protobuf;
using MessageType = Casto.Discovery.Kad.Pb.Message.Types.MessageType;

namespace Casto.Discovery.Kad;

/// <content>Value storage and retrieval (kad-dht §Value storage and retrieval), checked by <see cref="IRecordValidator"/>s.</content>
public sealed partial class KadDht
{
    /// <summary>
    /// Validates and stores <paramref name="value"/> under <paramref name="key"/> locally and at the k closest peers
    /// (PUT_VALUE). Returns how many peers accepted it. Throws <see cref="KadException"/> (<see cref="KadError.InvalidRecord"/>)
    /// when no validator accepts it.
    /// </summary>
    public async ValueTask<int> PutValueAsync(byte[] key, byte[] value, KadQueryStats? stats = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ValidateRecord(key, value);
        _records.Put(key, value);
        var closest = await GetClosestPeersAsync(key, cancellationToken).ConfigureAwait(false);
        Copy(closest, stats);
        var request = new Pb.Message { Type = MessageType.PutValue, Key = ByteString.CopyFrom(key), Record = MakeRecord(ByteString.CopyFrom(key), value, _options.TimeProvider.GetUtcNow()) };
        var accepted = await Task.WhenAll(closest.Closest.Select(async peer =>
        {
            try
            {
                var echo = await RequestAsync(peer, request, expectResponse: true, cancellationToken).ConfigureAwait(false);
                return echo?.Record?.Value.Equals(request.Record.Value) == true ? 1 : 0;
            }
            catch (KadException ex)
            {
                _log.RequestFailed(peer.PeerId.ToString(), ex.Message);
                return 0;
            }
        })).ConfigureAwait(false);
        return accepted.Sum();
    }

    /// <summary>
    /// The value of <paramref name="key"/>: the local record if there is one, else the first value a GET_VALUE lookup
    /// returns that the namespace's validator accepts (invalid values are ignored). Null when none was found.
    /// </summary>
    public async ValueTask<byte[]?> GetValueAsync(byte[] key, KadQueryStats? stats = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_records.Get(key) is { } local)
        {
            return local.Value;
        }

        byte[]? best = null;
        var bytes = ByteString.CopyFrom(key);
        var result = await LookupAsync(key, () => new Pb.Message { Type = MessageType.GetValue, Key = bytes }, (from, response) =>
        {
            if (response.Record is not { } record || !record.Key.Equals(bytes))
            {
                return false;
            }

            var value = record.Value.ToByteArray();
            try
            {
                ValidateRecord(key, value);
            }
            catch (KadException ex)
            {
                _log.RecordRefused(from.PeerId.ToString(), ex.Message);
                return false;
            }

            best = value;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        Copy(result, stats);
        if (best is not null)
        {
            _records.Put(key, best);
        }

        return best;
    }
}
