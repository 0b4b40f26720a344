using Casto.WebRtc.Nack;
using Casto.WebRtc.Rtp;
using Xunit.Abstractions;

namespace Casto.WebRtc.Tests.Nack;

/// <summary>Sender → lossy link → receiver, with NACKs back over a lossy link; deterministic (seeded, fake clock).</summary>
public class LossSimulationTests(ITestOutputHelper output)
{
    private const double LossRate = 0.05;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan OneWayDelay = TimeSpan.FromMilliseconds(20);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Nack_recovery_delivers_at_least_99_percent_with_5_percent_loss(int seed)
    {
        const int total = 6000;
        const ushort first = 62000; // crosses the 16-bit wrap
        var rng = new Random(seed);
        var time = new FakeTime();
        using var responder = new NackResponder(time: time);
        var generator = new NackGenerator(0xAAAA, 0x1234, new NackGeneratorOptions { RetryInterval = TimeSpan.FromMilliseconds(50) }, time);
        var forward = new Queue<(long Due, byte[] Packet)>();
        var backward = new Queue<(long Due, byte[] Packet)>();
        var delivered = new HashSet<ushort>();
        var rtcp = new byte[1500];
        long lost = 0;

        void Send(Queue<(long, byte[])> link, ReadOnlySpan<byte> packet)
        {
            if (rng.NextDouble() < LossRate)
            {
                lost++;
                return;
            }

            link.Enqueue((time.GetTimestamp() + OneWayDelay.Ticks, packet.ToArray()));
        }

        for (int step = 0; step < total + 400; step++)
        {
            if (step < total)
            {
                byte[] packet = NackTests.Packet((ushort)(first + step), payloadLength: 200);
                responder.OnSent(packet);
                Send(forward, packet);
            }

            while (forward.Count > 0 && forward.Peek().Due <= time.GetTimestamp())
            {
                ushort seq = RtpRewriter.GetSequenceNumber(forward.Dequeue().Packet);
                delivered.Add(seq);
                generator.OnReceived(seq);
            }

            if (step % 4 == 0) // receiver sends feedback every 20 ms
            {
                int length = generator.WriteNack(rtcp);
                if (length > 0)
                {
                    Send(backward, rtcp.AsSpan(0, length));
                }
            }

            while (backward.Count > 0 && backward.Peek().Due <= time.GetTimestamp())
            {
                responder.OnRtcp(backward.Dequeue().Packet, p => Send(forward, p));
            }

            time.Advance(Tick);
        }

        double ratio = delivered.Count / (double)total;
        output.WriteLine($"seed {seed}: dropped {lost}, retransmitted {responder.Retransmitted}, given up {generator.GivenUpCount}, delivered {ratio:P3}");
        Assert.True(lost > total * 0.04, $"the link should drop about 5% (dropped {lost})");
        Assert.True(responder.Retransmitted > total * 0.04, $"retransmissions {responder.Retransmitted}");
        Assert.True(ratio >= 0.99, $"delivered {ratio:P2}");
    }

    [Fact]
    public void Without_nack_the_same_link_delivers_about_95_percent()
    {
        var rng = new Random(1);
        int delivered = 0;
        for (int i = 0; i < 6000; i++)
        {
            delivered += rng.NextDouble() < LossRate ? 0 : 1;
        }

        Assert.InRange(delivered / 6000.0, 0.93, 0.97);
    }
}
