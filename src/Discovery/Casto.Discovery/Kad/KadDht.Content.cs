using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Casto.Stack.Identity;
using Casto.Stack.Multiformats;
using Google.Protobuf;
using MessageType = Casto.Discovery.Kad.Pb.Message.Types.MessageType;

namespace Casto.Discovery.Kad;

/// <content>Content routing: provider records keyed by the CID's multihash (kad-dht §Content provider advertisement and discovery).</content>
public sealed partial class KadDht
{
    /// <summary>
    /// Announces that we provide <paramref name="cid"/>: stores the record locally, finds the k closest peers and sends
    /// each ADD_PROVIDER with our addresses. Republished every <see cref="KadDhtOptions.ProviderRepublishInterval"/>
    /// while this DHT runs. Returns how many peers were told (0 with an empty routing table: the record is then local only).
    /// </summary>
    public async ValueTask<int> ProvideAsync(Cid cid, KadQueryStats? stats = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        var key = cid.Hash.Bytes.ToArray();
        var self = Self();
        _providers.Add(key, PeerId, self.Addresses);
        lock (_providedLock)
        {
            var name = Convert.ToHexString(key);
            if (_provided.ContainsKey(name) || _provided.Count < _options.MaxProviderKeys)
            {
                _provided[name] = (cid, _options.TimeProvider.GetUtcNow()); // republished by maintenance
            }
            else
            {
                Interlocked.Increment(ref _unrepublished);
            }
        }

        var closest = await GetClosestPeersAsync(key, cancellationToken).ConfigureAwait(false);
        Copy(closest, stats);
        var request = new Pb.Message { Type = MessageType.AddProvider, Key = ByteString.CopyFrom(key) };
        request.ProviderPeers.Add(ToPb(self));
        var sent = await Task.WhenAll(closest.Closest.Select(async peer =>
        {
            try
            {
                await RequestAsync(peer, request, expectResponse: false, cancellationToken).ConfigureAwait(false);
                return 1;
            }
            catch (KadException ex)
            {
                _log.RequestFailed(peer.PeerId.ToString(), ex.Message);
                return 0;
            }
        })).ConfigureAwait(false);
        return sent.Sum();
    }

    /// <summary>
    /// Finds providers of <paramref name="cid"/>: local records first, then a GET_PROVIDERS lookup that yields each new
    /// provider as it arrives and ends after <paramref name="maxProviders"/> or when the lookup ends.
    /// </summary>
    public async IAsyncEnumerable<KadPeer> FindProvidersAsync(Cid cid, int maxProviders = 20, KadQueryStats? stats = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxProviders, 1);
        var key = cid.Hash.Bytes.ToArray();
        var seen = new HashSet<PeerId>();
        foreach (var local in _providers.Get(key))
        {
            if (seen.Add(local.PeerId))
            {
                yield return local;
                if (seen.Count >= maxProviders)
                {
                    yield break;
                }
            }
        }

        var found = Channel.CreateBounded<KadPeer>(maxProviders);
        var bytes = ByteString.CopyFrom(key);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken); // the caller may stop reading early
        var lookup = RunProviderLookupAsync(key, bytes, seen, maxProviders, found.Writer, stats, stop.Token);
        try
        {
            await foreach (var provider in found.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return provider;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await lookup.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task RunProviderLookupAsync(byte[] key, ByteString bytes, HashSet<PeerId> seen, int max, ChannelWriter<KadPeer> writer,
        KadQueryStats? stats, CancellationToken cancellationToken)
    {
        var count = seen.Count;
        try
        {
            var result = await LookupAsync(key, () => new Pb.Message { Type = MessageType.GetProviders, Key = bytes }, (_, response) =>
            {
                foreach (var provider in ParsePeers(response.ProviderPeers))
                {
                    lock (seen)
                    {
                        if (count >= max || !seen.Add(provider.PeerId))
                        {
                            continue;
                        }

                        count++;
                    }

                    if (provider.Addresses.Count > 0)
                    {
                        _host.PeerStore.AddAddresses(provider.PeerId, provider.Addresses);
                    }

                    PeerDiscovered?.Invoke(this, provider);
                    writer.TryWrite(provider);
                }

                return count >= max;
            }, cancellationToken).ConfigureAwait(false);
            Copy(result, stats);
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }
}
