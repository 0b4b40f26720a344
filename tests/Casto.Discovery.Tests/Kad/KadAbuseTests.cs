using System.Diagnostics;
using Casto.Discovery.Kad;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Multiformats;
using Google.Protobuf;
using KadPb = Casto.Discovery.Kad.Pb;

namespace Casto.Discovery.Tests.Kad;

/// <summary>Hostile or broken peers: oversized and malformed messages, bogus closer peers, invalid records, silence.</summary>
public sealed class KadAbuseTests
{
    private static KadPb.Message.Types.Peer PbPeer(byte[] id, params byte[][] addrs)
    {
        var peer = new KadPb.Message.Types.Peer { Id = ByteString.CopyFrom(id) };
        foreach (var a in addrs)
        {
            peer.Addrs.Add(ByteString.CopyFrom(a));
        }

        return peer;
    }

    /// <summary>A host that serves the kad protocol with <paramref name="answer"/> (null: read and never answer).</summary>
    private static async Task<CastoHost> FakeServerAsync(KadTestNetwork network, Func<StreamContext, KadPb.Message, KadPb.Message>? answer)
    {
        var host = await network.StartHostAsync();
        host.SetStreamHandler(KadDht.DefaultProtocolId, async (context, ct) =>
        {
            var request = await KadCodec.ReadAsync(context.Stream.Input, 64 * 1024, ct);
            if (request is null)
            {
                return;
            }

            if (answer is null)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            await KadCodec.WriteAsync(context.Stream.Output, answer!(context, request), 64 * 1024, ct);
        });
        return host;
    }

    private static async Task<bool> StreamIsResetAsync(StreamContext context)
    {
        try
        {
            while (true)
            {
                var result = await context.Stream.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                context.Stream.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return false;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Fact]
    public async Task Oversized_and_malformed_messages_reset_the_stream_and_the_server_keeps_working()
    {
        await using var network = new KadTestNetwork();
        var (server, dht) = await network.AddAsync();
        var client = await network.StartHostAsync();
        var connection = await client.DialAsync(server.ListenAddresses[0]);

        var oversized = await connection.NewStreamAsync(KadDht.DefaultProtocolId);
        var prefix = new byte[VarInt.MaxLength];
        await oversized.Stream.Output.WriteAsync(prefix.AsMemory(0, VarInt.Write(1_000_000, prefix)));
        Assert.True(await StreamIsResetAsync(oversized));

        var garbage = await connection.NewStreamAsync(KadDht.DefaultProtocolId);
        await garbage.Stream.Output.WriteAsync(new byte[] { 4, 0xff, 0xff, 0xff, 0xff });
        Assert.True(await StreamIsResetAsync(garbage));

        var noKey = await connection.NewStreamAsync(KadDht.DefaultProtocolId);
        await KadCodec.WriteAsync(noKey.Stream.Output, new KadPb.Message { Type = KadPb.Message.Types.MessageType.GetProviders }, 1 << 16, default);
        Assert.True(await StreamIsResetAsync(noKey));
        Assert.Equal(3, dht.MalformedMessages); // oversized, garbage, and a GET_PROVIDERS without key

        var good = await connection.NewStreamAsync(KadDht.DefaultProtocolId);
        await KadCodec.WriteAsync(good.Stream.Output, new KadPb.Message { Type = KadPb.Message.Types.MessageType.Ping }, 1 << 16, default);
        var pong = await KadCodec.ReadAsync(good.Stream.Input, 1 << 16, default);
        Assert.Equal(KadPb.Message.Types.MessageType.Ping, pong!.Type);
    }

    [Fact]
    public async Task Bogus_and_self_pointing_closer_peers_are_dropped_and_the_lookup_ends()
    {
        await using var network = new KadTestNetwork();
        await network.StartAsync(5);
        var (_, victim) = await network.AddAsync(o => o.RequestTimeout = TimeSpan.FromSeconds(2));
        CastoHost? self = null;
        var fake = await FakeServerAsync(network, (context, request) =>
        {
            var response = new KadPb.Message { Type = request.Type, Key = request.Key };
            var me = context.Connection.LocalAddress.Bytes.ToArray();
            response.CloserPeers.Add(PbPeer(self!.PeerId.Bytes.ToArray(), me)); // itself
            response.CloserPeers.Add(PbPeer(context.RemotePeer.Bytes.ToArray(), me)); // the asker
            response.CloserPeers.Add(PbPeer([1, 2, 3], me)); // not a peer id
            response.CloserPeers.Add(PbPeer(PrivateKey.Generate().PeerId.Bytes.ToArray(), [0xff, 0xff, 0xff])); // garbage address
            for (var i = 0; i < 500; i++)
            {
                // unreachable peers: nothing listens on these ports
                response.CloserPeers.Add(PbPeer(PrivateKey.Generate().PeerId.Bytes.ToArray(), Multiaddr.Parse($"/memory/{900_000 + i}").Bytes.ToArray()));
            }

            return response;
        });
        self = fake;
        Assert.True(victim.AddPeer(fake.PeerId, [fake.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p)]));
        foreach (var (host, _) in network.Nodes.Take(5))
        {
            victim.AddPeer(host.PeerId, [host.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p)]);
        }

        var watch = Stopwatch.StartNew();
        var stats = await victim.GetClosestPeersAsync(RandomKey());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"lookup took {watch.Elapsed}");
        Assert.True(stats.Queried <= victim.Options.MaxQueriedPeers);
        Assert.DoesNotContain(victim.RoutingTablePeers, p => p.PeerId != fake.PeerId && !network.Nodes.Exists(n => n.Host.PeerId == p.PeerId));
        Assert.DoesNotContain(stats.Closest, p => p.PeerId == victim.PeerId);
    }

    private static byte[] RandomKey() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task A_peer_that_never_answers_costs_one_request_timeout()
    {
        await using var network = new KadTestNetwork();
        await network.StartAsync(4);
        var (_, asker) = await network.AddAsync(o => o.RequestTimeout = TimeSpan.FromMilliseconds(500));
        var silent = await FakeServerAsync(network, null);
        asker.AddPeer(silent.PeerId, [silent.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p)]);
        asker.AddPeer(network.Nodes[0].Host.PeerId, [network.Nodes[0].Host.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p)]);

        var watch = Stopwatch.StartNew();
        var stats = await asker.GetClosestPeersAsync(RandomKey());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"lookup took {watch.Elapsed}");
        Assert.True(stats.Failed >= 1);
        Assert.DoesNotContain(asker.RoutingTablePeers, p => p.PeerId == silent.PeerId); // failed: removed
        Assert.NotEmpty(stats.Closest);
    }

    [Fact]
    public async Task Invalid_records_are_refused_locally_remotely_and_in_answers()
    {
        await using var network = new KadTestNetwork();
        await network.StartAsync(3);
        var (host, dht) = network.Nodes[1];
        var other = PrivateKey.Generate();
        var key = KadKeys.ForPublicKey(host.PeerId);
        var error = await Assert.ThrowsAsync<KadException>(async () => await dht.PutValueAsync(key, other.PublicKey.Protobuf.ToArray()));
        Assert.Equal(KadError.InvalidRecord, error.Error);
        Assert.Equal(KadError.InvalidRecord, (await Assert.ThrowsAsync<KadException>(async () => await dht.PutValueAsync("/nope/x"u8.ToArray(), [1]))).Error);
        Assert.Equal(KadError.InvalidRecord, (await Assert.ThrowsAsync<KadException>(async () => await dht.PutValueAsync(key, [1, 2, 3]))).Error);

        // a remote PUT_VALUE of a bad record: stream reset, nothing stored
        var client = await network.StartHostAsync();
        var context = await (await client.DialAsync(host.ListenAddresses[0])).NewStreamAsync(KadDht.DefaultProtocolId);
        var record = new KadPb.Record { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(other.PublicKey.Protobuf) };
        await KadCodec.WriteAsync(context.Stream.Output, new KadPb.Message { Type = KadPb.Message.Types.MessageType.PutValue, Key = record.Key, Record = record }, 1 << 16, default);
        Assert.True(await StreamIsResetAsync(context));

        // a peer answering GET_VALUE with a forged /pk/ record is ignored
        var liar = PrivateKey.Generate().PeerId;
        var liarKey = KadKeys.ForPublicKey(liar);
        var fake = await FakeServerAsync(network, (_, request) => new KadPb.Message
        {
            Type = request.Type,
            Key = request.Key,
            Record = new KadPb.Record { Key = request.Key, Value = ByteString.CopyFrom(other.PublicKey.Protobuf) },
        });
        var (_, asker) = await network.AddAsync();
        asker.AddPeer(fake.PeerId, [fake.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p)]);
        Assert.Null(await asker.GetValueAsync(liarKey));
    }

    [Fact]
    public async Task Add_provider_for_someone_else_is_ignored()
    {
        await using var network = new KadTestNetwork();
        var (server, dht) = await network.AddAsync();
        var client = await network.StartHostAsync();
        var context = await (await client.DialAsync(server.ListenAddresses[0])).NewStreamAsync(KadDht.DefaultProtocolId);
        var cid = KadKeys.ForStream("spoofed");
        var message = new KadPb.Message { Type = KadPb.Message.Types.MessageType.AddProvider, Key = ByteString.CopyFrom(cid.Hash.Bytes) };
        message.ProviderPeers.Add(PbPeer(PrivateKey.Generate().PeerId.Bytes.ToArray(), Multiaddr.Parse("/memory/5").Bytes.ToArray()));
        await KadCodec.WriteAsync(context.Stream.Output, message, 1 << 16, default);
        await context.Stream.Output.CompleteAsync();
        Assert.False(await StreamIsResetAsync(context));
        Assert.Empty(await dht.FindProvidersAsync(cid).ToListAsync());
    }

    [Fact]
    public async Task Provider_keys_may_be_a_multihash_or_a_whole_cid_but_not_garbage()
    {
        await using var network = new KadTestNetwork();
        var (server, dht) = await network.AddAsync();
        var client = await network.StartHostAsync();
        var connection = await client.DialAsync(server.ListenAddresses[0]);
        var cid = KadKeys.ForStream("whole cid");

        var add = new KadPb.Message { Type = KadPb.Message.Types.MessageType.AddProvider, Key = ByteString.CopyFrom(cid.ToBytes()) };
        add.ProviderPeers.Add(PbPeer(client.PeerId.Bytes.ToArray(), client.ListenAddresses[0].Decapsulate(MultiaddrProtocol.P2p).Bytes.ToArray()));
        var context = await connection.NewStreamAsync(KadDht.DefaultProtocolId);
        await KadCodec.WriteAsync(context.Stream.Output, add, 1 << 16, default);
        await context.Stream.Output.CompleteAsync();
        Assert.False(await StreamIsResetAsync(context));
        Assert.Contains(await dht.FindProvidersAsync(cid).ToListAsync(), p => p.PeerId == client.PeerId); // stored under the multihash

        var garbage = await connection.NewStreamAsync(KadDht.DefaultProtocolId);
        await KadCodec.WriteAsync(garbage.Stream.Output, new KadPb.Message { Type = KadPb.Message.Types.MessageType.GetProviders, Key = ByteString.CopyFrom([0xff, 0xff]) }, 1 << 16, default);
        Assert.True(await StreamIsResetAsync(garbage));
    }

    [Fact]
    public async Task Many_ids_from_one_public_slash24_get_at_most_two_slots_per_bucket()
    {
        await using var network = new KadTestNetwork();
        var (_, dht) = await network.AddAsync();
        var self = dht.Table.SelfId;
        var accepted = 0;
        for (var i = 0; i < 200; i++)
        {
            var sybil = PrivateKey.Generate().PeerId;
            if (self.CommonPrefixLength(KadId.FromKey(sybil.Bytes)) == 0)
            {
                accepted += dht.AddPeer(sybil, [Multiaddr.Parse($"/ip4/198.51.100.{i % 250 + 1}/tcp/4001")]) ? 1 : 0;
            }
        }

        Assert.Equal(2, accepted);
        Assert.True(dht.Dropped > 0);
    }
}
