using Casto.Discovery.Dns;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Discovery.Mdns;

/// <summary>Receiving: answering queries, reading responses, expiring records.</summary>
public sealed partial class MdnsDiscovery
{
    private void OnPacket(ReadOnlySpan<byte> packet)
    {
        lock (_lock)
        {
            if (_disposed || !_packets.TryTake())
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
        }

        DnsMessage message;
        try
        {
            message = DnsMessage.Read(packet, _options.Dns);
        }
        catch (DnsException ex)
        {
            Interlocked.Increment(ref _dropped);
            Log.Malformed(_logger, ex.Error);
            return;
        }

        if (message.IsResponse)
        {
            OnResponse(message);
        }
        else
        {
            OnQuery(message);
        }
    }

    private void OnQuery(DnsMessage query)
    {
        var asked = query.Questions.Any(q =>
            (q.Type is DnsRecordType.Ptr or DnsRecordType.Any && string.Equals(q.Name, _options.ServiceName, StringComparison.OrdinalIgnoreCase))
            || (q.Type is DnsRecordType.Txt or DnsRecordType.Any && string.Equals(q.Name, InstanceName, StringComparison.OrdinalIgnoreCase)));
        var meta = query.Questions.Any(q =>
            q.Type is DnsRecordType.Ptr or DnsRecordType.Any && string.Equals(q.Name, MdnsRecords.ServicesMetaQuery, StringComparison.OrdinalIgnoreCase));
        if (!asked && !meta)
        {
            return;
        }

        lock (_lock)
        {
            if (!_responses.TryTake())
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
        }

        if (meta)
        {
            Send(MdnsRecords.ServiceType(_options.ServiceName, (uint)_options.Ttl.TotalSeconds));
        }

        if (asked)
        {
            Announce(_options.Ttl);
        }
    }

    private void OnResponse(DnsMessage response)
    {
        var ptrs = response.Answers.Concat(response.Additionals).OfType<DnsPtrRecord>()
            .Where(p => string.Equals(p.Name, _options.ServiceName, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(p.Target, InstanceName, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (ptrs.Count == 0)
        {
            return;
        }

        var txts = response.Answers.Concat(response.Additionals).OfType<DnsTxtRecord>().ToList();
        foreach (var ptr in ptrs)
        {
            if (ptr.Ttl == 0)
            {
                Remove(ptr.Target);
                continue;
            }

            var own = txts.Where(t => string.Equals(t.Name, ptr.Target, StringComparison.OrdinalIgnoreCase)).ToList();
            var peer = MdnsRecords.ParsePeer(own.Count > 0 || ptrs.Count > 1 ? own : txts, _options.MaxAddressesPerPeer);
            if (peer is { } p && p.PeerId != _options.PeerId && p.Addrs.Length > 0)
            {
                Upsert(ptr.Target, p.PeerId, p.Addrs, TimeSpan.FromSeconds(Math.Min(ptr.Ttl, _options.MaxRemoteTtl.TotalSeconds)));
            }
        }
    }

    private void Upsert(string instance, PeerId peerId, Multiaddr[] addrs, TimeSpan ttl)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var expires = _time.GetTimestamp() + (long)(ttl.TotalSeconds * _time.TimestampFrequency);
            if (_instances.TryGetValue(instance, out var known) && known.PeerId == peerId)
            {
                known.ExpiresAt = expires;
                if (known.Addrs.SequenceEqual(addrs))
                {
                    return;
                }

                known.Addrs = addrs;
            }
            else
            {
                if (known is null && _instances.Count >= _options.MaxPeers)
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }

                _instances[instance] = new RemoteInstance(peerId, addrs, expires);
            }

            Log.Found(_logger, peerId.ToString(), addrs.Length);
            _sink?.Publish(new DiscoveryEvent(DiscoveryEventKind.Found, Name, peerId, addrs));
        }
    }

    private void Remove(string instance)
    {
        lock (_lock)
        {
            if (_instances.Remove(instance, out var gone))
            {
                PublishLostLocked(gone.PeerId);
            }
        }
    }

    private void Expire()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            foreach (var (instance, entry) in _instances.Where(e => e.Value.ExpiresAt <= now).ToList())
            {
                _instances.Remove(instance);
                PublishLostLocked(entry.PeerId);
            }
        }
    }

    private void PublishLostLocked(PeerId peerId)
    {
        if (!_instances.Values.Any(e => e.PeerId == peerId))
        {
            Log.Lost(_logger, peerId.ToString());
            _sink?.Publish(new DiscoveryEvent(DiscoveryEventKind.Lost, Name, peerId, []));
        }
    }

    private sealed class RemoteInstance(PeerId peerId, Multiaddr[] addrs, long expiresAt)
    {
        public PeerId PeerId { get; } = peerId;

        public Multiaddr[] Addrs { get; set; } = addrs;

        public long ExpiresAt { get; set; } = expiresAt;
    }
}
