using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Demux;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Tests.Ice;

/// <summary>ICE-lite against a hand-driven peer (a raw socket writing STUN), as Chromium behaves against a lite responder.</summary>
public sealed class IceLiteTests
{
    [Fact]
    public async Task LiteAcceptsDtlsOnACheckedPairBeforeUseCandidateThenSelectsOnUseCandidate()
    {
        await using var lite = IceAgent.Create(IceRole.Controlling, new IceOptions { Lite = true });
        Assert.Equal(IceRole.Controlled, lite.Role); // lite is always controlled
        lite.Start();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peer.ReceiveTimeout = 5000;
        var target = lite.LocalCandidates[0].EndPoint;
        var buffer = new byte[1500];

        // 1. An authenticated check without USE-CANDIDATE: answered with our address, pair validated (Connected).
        peer.SendTo(Check(lite, useCandidate: false, 1), target);
        var n = peer.Receive(buffer);
        AssertSuccess(buffer.AsSpan(0, n), lite, (IPEndPoint)peer.LocalEndPoint!, 1);
        Assert.True(await IceTestPeers.UntilAsync(() => lite.State == IceConnectionState.Connected, TimeSpan.FromSeconds(5)));
        Assert.Null(lite.SelectedPair);

        // 2. DTLS right after the first check (notes §8): delivered, and the lite side can answer on the valid pair.
        byte[] clientHello = [22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        peer.SendTo(clientHello, target);
        await IceAgentTests.AssertReceivedAsync(lite, clientHello, (IPEndPoint)peer.LocalEndPoint!, PacketKind.Dtls);
        await lite.SendAsync(new byte[] { 22, 0xfe, 0xfd, 9 });
        n = peer.Receive(buffer);
        Assert.Equal(new byte[] { 22, 0xfe, 0xfd, 9 }, buffer[..n]);

        // 3. USE-CANDIDATE selects the pair.
        peer.SendTo(Check(lite, useCandidate: true, 2), target);
        n = peer.Receive(buffer);
        AssertSuccess(buffer.AsSpan(0, n), lite, (IPEndPoint)peer.LocalEndPoint!, 2);
        Assert.True(await IceTestPeers.UntilAsync(() => lite.State == IceConnectionState.Completed, TimeSpan.FromSeconds(5)));
        Assert.Equal(peer.LocalEndPoint, lite.SelectedPair!.Remote.EndPoint);
    }

    [Fact]
    public async Task LiteAnswersWrongPasswordWith401AndDoesNotValidate()
    {
        await using var lite = IceAgent.Create(IceRole.Controlled, new IceOptions { Lite = true });
        lite.Start();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peer.ReceiveTimeout = 5000;
        peer.SendTo(Check(lite, useCandidate: true, 3, password: "wrongwrongwrongwrongwrong"), lite.LocalCandidates[0].EndPoint);
        var buffer = new byte[1500];
        var n = peer.Receive(buffer);
        Assert.Equal(401, ErrorCode(buffer.AsSpan(0, n)));

        // Data from that source is not accepted.
        peer.SendTo(new byte[] { 22, 0xfe, 0xfd }, lite.LocalCandidates[0].EndPoint);
        Assert.True(await IceTestPeers.UntilAsync(() => lite.Counters.UnvalidatedSource == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(IceConnectionState.Checking, lite.State);
    }

    private static byte[] Check(IceAgent lite, bool useCandidate, byte id, string? password = null)
    {
        var buffer = new byte[512];
        var transactionId = new byte[12];
        transactionId[0] = id;
        var w = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, transactionId);
        w.AddUsername(lite.LocalUfrag + ":peer");
        w.AddPriority(1862270975);
        w.AddIceControlling(42);
        if (useCandidate)
        {
            w.AddUseCandidate();
        }

        w.AddMessageIntegrity(StunCredentials.ShortTermKey(password ?? lite.LocalPassword));
        w.AddFingerprint();
        return buffer[..w.Length];
    }

    private static void AssertSuccess(ReadOnlySpan<byte> datagram, IceAgent lite, IPEndPoint peer, byte id)
    {
        Assert.True(StunMessage.TryRead(datagram, out var m));
        Assert.Equal(StunClass.SuccessResponse, m.Class);
        Assert.Equal(id, m.TransactionId[0]);
        m.Validate(StunCredentials.ShortTermKey(lite.LocalPassword), requireFingerprint: true);
        Assert.True(m.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(peer, mapped);
    }

    private static int ErrorCode(ReadOnlySpan<byte> datagram)
    {
        Assert.True(StunMessage.TryRead(datagram, out var m));
        Assert.Equal(StunClass.ErrorResponse, m.Class);
        Assert.True(m.TryGetErrorCode(out var code, out _));
        return code;
    }
}
