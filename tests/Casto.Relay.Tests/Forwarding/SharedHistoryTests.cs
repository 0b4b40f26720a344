using System.Buffers.Binary;
using Casto.WebRtc.Nack;

namespace Casto.Relay.Tests.Forwarding;

public sealed class SharedHistoryTests
{
    private static byte[] Packet(ushort seq, int length = 100)
    {
        var p = new byte[length];
        p[0] = 0x80;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), seq);
        p[^1] = (byte)seq;
        return p;
    }

    [Fact]
    public void KeepsTheLastCapacityPacketsAcrossTheWrap()
    {
        using var history = new RtpSendHistory(64, 1500);
        for (int i = 0; i < 200; i++)
        {
            Assert.True(history.Store(Packet((ushort)(65500 + i))));
        }

        ushort newest = unchecked((ushort)(65500 + 199));
        Assert.True(history.TryGet(newest, out var p));
        Assert.Equal((byte)newest, p[^1]);
        Assert.True(history.Contains((ushort)(newest - 63)));
        Assert.False(history.Contains((ushort)(newest - 64)));
        history.Clear();
        Assert.False(history.Contains(newest));
    }

    [Fact]
    public void RefusesWhatDoesNotFitASlot()
    {
        using var history = new RtpSendHistory(64, 200);
        Assert.False(history.Store(Packet(1, 201)));
        Assert.False(history.Store(new byte[11]));
        Assert.True(history.Store(Packet(1, 200)));
    }
}
