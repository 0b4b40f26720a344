using Casto.Discovery.Kad;
using Casto.Stack.Hosting;
using Google.Protobuf;
using KadPb = Casto.Discovery.Kad.Pb;

namespace Casto.Discovery.Tests.Kad;

/// <summary>GET_VALUE quorum, best-value selection and entry correction with a versioned test namespace.</summary>
public sealed class KadValueTests
{
    /// <summary><c>/v/…</c>: any non-empty value; the highest first byte wins.</summary>
    private sealed class VersionValidator : IRecordValidator
    {
        public bool Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => !value.IsEmpty;

        public int SelectBest(ReadOnlySpan<byte> key, IReadOnlyList<byte[]> values) =>
            values.Select((v, i) => (v[0], i)).Max().i;
    }

    private static async Task<KadPb.Message> RawAsync(CastoHost from, CastoHost to, KadPb.Message request)
    {
        var context = await (await from.DialAsync(to.ListenAddresses[0])).NewStreamAsync(KadDht.DefaultProtocolId);
        await KadCodec.WriteAsync(context.Stream.Output, request, 1 << 16, default);
        var response = await KadCodec.ReadAsync(context.Stream.Input, 1 << 16, default);
        await context.Stream.Output.CompleteAsync();
        return response!;
    }

    [Fact]
    public async Task The_best_of_a_quorum_wins_and_outdated_peers_are_corrected()
    {
        await using var network = new KadTestNetwork();
        await network.StartAsync(5, o =>
        {
            o.Validators["v"] = new VersionValidator();
            o.GetValueQuorum = 5;
        });
        var key = "/v/stream-title"u8.ToArray();
        Assert.Equal(4, await network.Nodes[1].Dht.PutValueAsync(key, [1]));

        // node 2 alone gets version 2, behind everyone's back
        var client = await network.StartHostAsync();
        var record = new KadPb.Record { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom([2]) };
        var echo = await RawAsync(client, network.Nodes[2].Host, new KadPb.Message { Type = KadPb.Message.Types.MessageType.PutValue, Key = record.Key, Record = record });
        Assert.Equal(record.Value, echo.Record.Value);

        Assert.Equal([2], await network.Nodes[4].Dht.GetValueAsync(key));
        var corrected = await RawAsync(client, network.Nodes[0].Host, new KadPb.Message { Type = KadPb.Message.Types.MessageType.GetValue, Key = record.Key });
        Assert.Equal([2], corrected.Record.Value.ToByteArray()); // node 0 answered version 1 and was sent version 2
    }
}
