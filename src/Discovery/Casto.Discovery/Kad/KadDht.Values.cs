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
    /// The value of <paramref name="key"/> (kad-dht §Value retrieval): the local record counts as one answer; a GET_VALUE
    /// lookup collects valid values (invalid ones are ignored) until <see cref="KadDhtOptions.GetValueQuorum"/> answers,
    /// the namespace's validator picks the best, and peers that answered an older value are sent the best one (entry
    /// correction). Null when no valid value was found.
    /// </summary>
    public async ValueTask<byte[]?> GetValueAsync(byte[] key, KadQueryStats? stats = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var answers = new List<(KadPeer? From, byte[] Value)>();
        if (_records.Get(key) is { } local)
        {
            answers.Add((null, local.Value));
            if (_options.GetValueQuorum <= 1)
            {
                return local.Value;
            }
        }

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

            answers.Add((from, value));
            return answers.Count >= _options.GetValueQuorum;
        }, cancellationToken).ConfigureAwait(false);
        Copy(result, stats);
        if (answers.Count == 0)
        {
            return null;
        }

        var validator = _options.Validators[KadKeys.NamespaceOf(key)!];
        var best = answers[Math.Clamp(validator.SelectBest(key, [.. answers.Select(a => a.Value)]), 0, answers.Count - 1)].Value;
        _records.Put(key, best);
        await CorrectAsync(key, best, answers.Where(a => a.From is not null && !a.Value.AsSpan().SequenceEqual(best)).Select(a => a.From!), cancellationToken).ConfigureAwait(false);
        return best;
    }

    /// <summary>Sends the best value to peers that answered another one.</summary>
    private async ValueTask CorrectAsync(byte[] key, byte[] best, IEnumerable<KadPeer> outdated, CancellationToken cancellationToken)
    {
        var request = new Pb.Message { Type = MessageType.PutValue, Key = ByteString.CopyFrom(key), Record = MakeRecord(ByteString.CopyFrom(key), best, _options.TimeProvider.GetUtcNow()) };
        foreach (var peer in outdated)
        {
            try
            {
                await RequestAsync(peer, request, expectResponse: true, cancellationToken).ConfigureAwait(false);
            }
            catch (KadException ex)
            {
                _log.RequestFailed(peer.PeerId.ToString(), ex.Message);
            }
        }
    }
}
