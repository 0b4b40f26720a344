using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Tests.Ice;

/// <summary>Garbage on the shared socket is counted and dropped; the agent keeps working.</summary>
public sealed class IceRobustnessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task MalformedStunAndRandomDatagramsAreCountedAndDoNotBreakTheAgent()
    {
        await using var peers = IceTestPeers.Create(IceRole.Controlling, null, IceRole.Controlled, null);
        peers.Start();
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = peers.B.LocalCandidates[0].EndPoint;
        var random = new Random(1234);

        foreach (var datagram in Garbage(random))
        {
            await attacker.SendToAsync(datagram, target);
        }

        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, Timeout));
        Assert.True(await IceTestPeers.UntilAsync(
            () => peers.B.Counters.MalformedStun >= 3 && peers.B.Counters.UnauthenticatedStun >= 2 && peers.B.Counters.UnvalidatedSource >= 1 && peers.B.Counters.UnknownDatagrams >= 1,
            Timeout), $"malformed {peers.B.Counters.MalformedStun}, unauth {peers.B.Counters.UnauthenticatedStun}, unvalidated {peers.B.Counters.UnvalidatedSource}, unknown {peers.B.Counters.UnknownDatagrams}");

        // Data from the attacker (not a validated candidate) never reaches the consumer; data from A does.
        await attacker.SendToAsync(new byte[] { 0x80, 0x60, 6, 6 }, target);
        byte[] rtp = [0x80, 0x60, 0, 1];
        await peers.A.SendAsync(rtp);
        await IceAgentTests.AssertReceivedAsync(peers.B, rtp, peers.A.LocalCandidates[0].EndPoint, Casto.WebRtc.Demux.PacketKind.Rtp);
    }

    [Fact]
    public async Task FullReceiveQueueDropsAndCounts()
    {
        await using var peers = IceTestPeers.Create(IceRole.Controlling, null, IceRole.Controlled, new IceOptions { ReceiveQueueCapacity = 2 });
        peers.Start();
        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, Timeout));

        for (var i = 0; i < 10; i++)
        {
            await peers.A.SendAsync(new byte[] { 0x80, 0x60, 0, (byte)i });
        }

        Assert.True(await IceTestPeers.UntilAsync(() => peers.B.Counters.Forwarded + peers.B.Counters.QueueFull == 10, Timeout));
        Assert.Equal(2, peers.B.Counters.Forwarded);
        Assert.Equal(8, peers.B.Counters.QueueFull);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(peers.B.Datagrams.TryRead(out var d));
            Assert.Equal(i, d.Data.Span[3]);
            d.Dispose();
        }
    }

    private static IEnumerable<byte[]> Garbage(Random random)
    {
        for (var i = 0; i < 50; i++)
        {
            var junk = new byte[random.Next(0, 200)];
            random.NextBytes(junk);
            yield return junk;
        }

        // STUN header claiming more bytes than sent.
        var overrun = Header(0x0001, 100);
        yield return overrun;

        // STUN with an attribute overrunning the message.
        var badAttribute = Header(0x0001, 8);
        Array.Resize(ref badAttribute, 28);
        BinaryPrimitives.WriteUInt16BigEndian(badAttribute.AsSpan(20), 0x0006);
        BinaryPrimitives.WriteUInt16BigEndian(badAttribute.AsSpan(22), 200);
        yield return badAttribute;

        // Binding request with a wrong FINGERPRINT.
        var buffer = new byte[256];
        var w = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, new byte[12]);
        w.AddUsername("nobody:x");
        w.AddFingerprint();
        var badFingerprint = buffer[..w.Length];
        badFingerprint[^1] ^= 0xFF;
        yield return badFingerprint;

        // Binding request with no MESSAGE-INTEGRITY and a wrong USERNAME (answered 401, counted).
        w = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, new byte[12]);
        w.AddUsername("nobody:x");
        w.AddFingerprint();
        yield return buffer[..w.Length];

        // A success response matching no transaction.
        w = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Binding, new byte[12]);
        w.AddFingerprint();
        yield return buffer[..w.Length];

        // DTLS-looking datagram from an unvalidated source, and a first byte RFC 9443 drops.
        yield return [22, 0xfe, 0xfd, 0];
        yield return [200, 1, 2, 3];
    }

    private static byte[] Header(ushort type, ushort length)
    {
        var b = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(b, type);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), length);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), StunMessage.MagicCookie);
        return b;
    }
}
