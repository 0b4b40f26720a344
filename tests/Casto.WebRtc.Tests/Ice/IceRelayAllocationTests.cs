using Casto.WebRtc.Ice;
using Casto.WebRtc.Tests.Turn;

namespace Casto.WebRtc.Tests.Ice;

/// <summary>The relayed data path (SendAsync → ChannelData → coturn → ChannelData → receive pool → consumer) must not allocate per packet.</summary>
[Collection(nameof(IceAllocationCollection))]
public sealed class IceRelayAllocationTests
{
    [Fact]
    public async Task RelayedForwardingPathDoesNotAllocatePerPacket()
    {
        await using var server = await CoturnServer.StartAsync();

        IceOptions Options() => new()
        {
            IceServers = [new IceServer($"turn:127.0.0.1:{server.EndPoint.Port}", CoturnServer.User, CoturnServer.Password)],
            TransportPolicy = IceTransportPolicy.Relay,
            ReceiveQueueCapacity = 1024,
        };
        await using var a = IceAgent.Create(IceRole.Controlling, Options());
        await using var b = IceAgent.Create(IceRole.Controlled, Options());
        a.SetRemoteCredentials(b.LocalUfrag, b.LocalPassword);
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
        a.Start();
        b.Start();
        await Task.WhenAll(a.GatherAsync(), b.GatherAsync());
        foreach (var c in a.LocalCandidates)
        {
            b.AddRemoteCandidate(c);
        }

        foreach (var c in b.LocalCandidates)
        {
            a.AddRemoteCandidate(c);
        }

        var timeout = TimeSpan.FromSeconds(20);
        Assert.True(await IceTestPeers.UntilAsync(() => a.State == IceConnectionState.Completed && b.State == IceConnectionState.Completed, timeout));
        Assert.True(await IceTestPeers.UntilAsync(
            () => a.SelectedPair!.Base.Turn!.HasChannel(a.SelectedPair.Remote.EndPoint) && b.SelectedPair!.Base.Turn!.HasChannel(b.SelectedPair.Remote.EndPoint),
            timeout));
        var packet = new byte[1200];
        packet[0] = 0x80;
        packet[1] = 0x60;

        // The harness (a timeout per read) allocates too: measure it on a host pair, whose path is allocation-free (IceAllocationTests).
        await using var host = IceTestPeers.Create(IceRole.Controlling, new IceOptions { ReceiveQueueCapacity = 1024 }, IceRole.Controlled, null);
        host.Start();
        Assert.True(await IceTestPeers.UntilAsync(() => host.A.State == IceConnectionState.Completed && host.B.State == IceConnectionState.Completed, timeout));

        // Best of three: a datagram coturn drops on a loaded machine costs the harness an OperationCanceledException.
        double relayed = double.MaxValue, harness = 0;
        for (var attempt = 0; attempt < 3 && relayed - harness >= 32; attempt++)
        {
            relayed = await MeasureAsync(a, b, packet);
            harness = await MeasureAsync(host.A, host.B, packet);
        }

        // Measured 7–17 B (timers); a per-packet byte[] alone would be ≥ 1,224 B. Slack for timer ticks on a loaded machine.
        Assert.True(relayed - harness < 64, $"{relayed - harness:F1} bytes allocated per relayed packet ({relayed:F1} with the harness, {harness:F1} without relay)");
    }

    private static async Task<double> MeasureAsync(IceAgent a, IceAgent b, byte[] packet)
    {
        await PumpAsync(a, b, packet, 500); // warm up
        var before = GC.GetTotalAllocatedBytes(precise: true);
        const int Count = 4000;
        await PumpAsync(a, b, packet, Count);
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Count;
    }

    private static async Task PumpAsync(IceAgent a, IceAgent b, byte[] packet, int count)
    {
        var received = 0;
        while (received < count)
        {
            // Small bursts, then drain: a datagram lost in coturn under load is resent rather than awaited forever.
            var burst = Math.Min(16, count - received);
            for (var i = 0; i < burst; i++)
            {
                await a.SendAsync(packet);
            }

            for (var i = 0; i < burst; i++)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                try
                {
                    using var d = await b.Datagrams.ReadAsync(cts.Token);
                    received++;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
