using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Ice;

namespace Casto.WebRtc.Tests.Ice;

public sealed class UdpSendBatchTests
{
    [Fact]
    public void NativeLayoutsMatchLinux()
    {
        Assert.Equal((64, 16), UdpSendBatch.NativeSizes); // struct mmsghdr and struct iovec on x86-64 / arm64
    }

    [Fact]
    public void OneFlushDeliversEachDatagramToItsOwnAddressInOneCall()
    {
        using var sender = Bound();
        var receivers = Enumerable.Range(0, 5).Select(_ => Bound()).ToArray();
        try
        {
            using var batch = new UdpSendBatch(16);
            for (int i = 0; i < receivers.Length; i++)
            {
                Span<byte> slot = batch.Reserve(sender);
                slot[..3].Fill((byte)(i + 1));
                batch.Commit(3 + i, receivers[i].LocalEndPoint!.Serialize());
            }

            Assert.Equal(5, batch.Count);
            Assert.Equal(5, batch.Flush());
            Assert.Equal(0, batch.Count);
            Assert.Equal(OperatingSystem.IsLinux() ? 1 : 5, batch.Calls);
            for (int i = 0; i < receivers.Length; i++)
            {
                byte[] buffer = new byte[64];
                receivers[i].ReceiveTimeout = 5000;
                int length = receivers[i].Receive(buffer);
                Assert.Equal(3 + i, length);
                Assert.Equal((byte)(i + 1), buffer[0]);
            }
        }
        finally
        {
            foreach (var r in receivers)
            {
                r.Dispose();
            }
        }
    }

    [Fact]
    public void AFullBatchOrAnotherSocketFlushesFirst()
    {
        using var a = Bound();
        using var b = Bound();
        using var receiver = Bound();
        using var batch = new UdpSendBatch(2);
        var to = receiver.LocalEndPoint!.Serialize();
        for (int i = 0; i < 3; i++)
        {
            batch.Reserve(a)[0] = (byte)i;
            batch.Commit(1, to);
        }

        Assert.Equal(2, batch.Sent); // the third reserve flushed the first two
        batch.Reserve(b)[0] = 9;     // another socket: a's queued datagram goes first
        Assert.Equal(3, batch.Sent);
        batch.Commit(1, to);
        batch.Flush();
        Assert.Equal(4, batch.Sent);
        Assert.Equal(0, batch.Failed);
    }

    [Fact]
    public void AClosedSocketIsCountedNotThrown()
    {
        var socket = Bound();
        using var receiver = Bound();
        using var batch = new UdpSendBatch(4);
        batch.Reserve(socket);
        batch.Commit(1, receiver.LocalEndPoint!.Serialize());
        socket.Dispose();
        Assert.Equal(0, batch.Flush());
        Assert.Equal(1, batch.Failed);
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
