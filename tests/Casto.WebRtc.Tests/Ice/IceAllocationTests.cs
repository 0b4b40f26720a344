using Casto.WebRtc.Ice;

namespace Casto.WebRtc.Tests.Ice;

[CollectionDefinition(nameof(IceAllocationCollection), DisableParallelization = true)]
public sealed class IceAllocationCollection;

/// <summary>The forwarding path (socket → demux → channel → consumer, and SendAsync) must not allocate per packet.</summary>
[Collection(nameof(IceAllocationCollection))]
public sealed class IceAllocationTests
{
    [Fact]
    public async Task ForwardingPathDoesNotAllocatePerPacket()
    {
        await using var peers = IceTestPeers.Create(IceRole.Controlling, null, IceRole.Controlled, new IceOptions { ReceiveQueueCapacity = 1024 });
        peers.Start();
        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, TimeSpan.FromSeconds(15)));
        var packet = new byte[1200];
        packet[0] = 0x80;
        packet[1] = 0x60;

        await PumpAsync(peers, packet, 500); // warm up pools, JIT, socket event args
        var before = GC.GetTotalAllocatedBytes(precise: true);
        const int Count = 4000;
        await PumpAsync(peers, packet, Count);
        var perPacket = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Count;

        // Measured ~0.1 B/packet (timer ticks); a per-packet byte[] alone would be ≥ 1,224. Debug build: async state machines are classes, so this also guards the synchronous fast paths.
        Assert.True(perPacket < 8, $"{perPacket:F1} bytes allocated per forwarded packet");
        Assert.True(peers.B.BuffersAllocated <= 1024 + 8, $"{peers.B.BuffersAllocated} receive buffers");
    }

    private static async Task PumpAsync(IceTestPeers peers, byte[] packet, int count)
    {
        var received = 0;
        while (received < count)
        {
            // Send in bursts smaller than the queue, then drain, so nothing is dropped.
            var burst = Math.Min(64, count - received);
            for (var i = 0; i < burst; i++)
            {
                await peers.A.SendAsync(packet);
            }

            for (var i = 0; i < burst; i++)
            {
                using var d = await peers.B.Datagrams.ReadAsync(); // no token: the channel reuses its single reader operation
                received++;
            }
        }
    }
}
