using System.Collections.Concurrent;
using System.Net;
using Casto.WebRtc.Demux;
using Casto.WebRtc.Ice;

namespace Casto.WebRtc.Tests.Ice;

public sealed class IceAgentTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TwoFullAgentsConnectAndExchangeDataBothWays()
    {
        await using var peers = IceTestPeers.Create(IceRole.Controlling, null, IceRole.Controlled, null);
        var statesA = new ConcurrentQueue<IceConnectionState>();
        peers.A.StateChanged += (_, s) => statesA.Enqueue(s);
        Assert.Equal(IceConnectionState.New, peers.A.State);
        peers.Start();

        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, Timeout));
        Assert.Equal(peers.B.LocalCandidates[0].EndPoint, peers.A.SelectedPair!.Remote.EndPoint);
        Assert.Equal(peers.A.LocalCandidates[0].EndPoint, peers.B.SelectedPair!.Remote.EndPoint);
        Assert.True(peers.A.SelectedPair.Nominated);
        Assert.Equal(IceRole.Controlling, peers.A.Role);
        Assert.Equal([IceConnectionState.Checking, IceConnectionState.Connected, IceConnectionState.Completed], statesA.ToArray());

        byte[] rtp = [0x80, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 42];
        await peers.A.SendAsync(rtp);
        await AssertReceivedAsync(peers.B, rtp, peers.A.LocalCandidates[0].EndPoint, PacketKind.Rtp);

        byte[] dtls = [22, 0xfe, 0xfd, 0, 0, 1, 2, 3];
        await peers.B.SendAsync(dtls);
        await AssertReceivedAsync(peers.A, dtls, peers.B.LocalCandidates[0].EndPoint, PacketKind.Dtls);
    }

    [Fact]
    public async Task FullAgentConnectsToLiteAgent()
    {
        await using var peers = IceTestPeers.Create(IceRole.Controlling, null, IceRole.Controlled, new IceOptions { Lite = true });
        peers.Start();

        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, Timeout));
        Assert.True(peers.B.IsLite);
        Assert.Equal(IceRole.Controlled, peers.B.Role);

        byte[] srtp = [0x80, 0x6f, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8];
        await peers.B.SendAsync(srtp);
        await AssertReceivedAsync(peers.A, srtp, peers.B.LocalCandidates[0].EndPoint, PacketKind.Rtp);
        await peers.A.SendAsync(srtp);
        await AssertReceivedAsync(peers.B, srtp, peers.A.LocalCandidates[0].EndPoint, PacketKind.Rtp);
    }

    [Fact]
    public async Task FullAgentThatStartsControlledTakesControlFromLiteAgent()
    {
        await using var peers = IceTestPeers.Create(IceRole.Controlled, null, IceRole.Controlled, new IceOptions { Lite = true });
        peers.Start();

        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, Timeout));
        Assert.Equal(IceRole.Controlling, peers.A.Role);
    }

    [Theory]
    [InlineData(true, 1UL, 2UL)]
    [InlineData(true, 2UL, 1UL)]
    [InlineData(false, 1UL, 2UL)]
    [InlineData(false, 2UL, 1UL)]
    public async Task RoleConflictEndsWithOneControllingAgent(bool bothControlling, ulong tieBreakerA, ulong tieBreakerB)
    {
        var bothRole = bothControlling ? IceRole.Controlling : IceRole.Controlled;
        await using var peers = IceTestPeers.Create(
            bothRole, new IceOptions { TieBreaker = tieBreakerA }, bothRole, new IceOptions { TieBreaker = tieBreakerB });
        peers.Start();

        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, Timeout));
        Assert.NotEqual(peers.A.Role, peers.B.Role);

        // §7.3.1.1: the larger tie-breaker ends up controlling.
        var winner = tieBreakerA > tieBreakerB ? peers.A : peers.B;
        Assert.Equal(IceRole.Controlling, winner.Role);
    }

    [Fact]
    public async Task WrongRemotePasswordFailsWithinTheConnectTimeout()
    {
        var options = new IceOptions { ConnectTimeout = TimeSpan.FromSeconds(3), CheckRetransmitTimeout = TimeSpan.FromMilliseconds(100), MaxCheckTransmissions = 3 };
        await using var peers = IceTestPeers.Create(IceRole.Controlling, options, IceRole.Controlled, null, wrongPasswordForA: new string('x', 24));
        var sawCompleted = false;
        peers.A.StateChanged += (_, s) => sawCompleted |= s == IceConnectionState.Completed;
        peers.Start();

        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Failed, TimeSpan.FromSeconds(6)));
        Assert.False(sawCompleted);
        Assert.NotEqual(IceConnectionState.Completed, peers.B.State);
        Assert.True(peers.B.Counters.UnauthenticatedStun > 0);
        var ex = await Assert.ThrowsAsync<IceException>(async () => await peers.A.SendAsync(new byte[] { 0x80, 0 }));
        Assert.Equal(IceError.Closed, ex.Error);
    }

    [Fact]
    public async Task PeerReflexiveCandidateIsLearnedFromChecksAndTrickledDuplicateIsIgnored()
    {
        // B is told nothing about A's candidates: it learns A as peer-reflexive from A's checks (RFC 8445 §7.3.1.3).
        await using var peers = IceTestPeers.Create(IceRole.Controlling, null, IceRole.Controlled, null, signalCandidatesToB: false);
        peers.Start();

        Assert.True(await IceTestPeers.UntilAsync(() => peers.A.State == IceConnectionState.Completed && peers.B.State == IceConnectionState.Completed, Timeout));
        var remote = peers.B.SelectedPair!.Remote;
        Assert.Equal(Casto.WebRtc.Sdp.SdpCandidateType.PeerReflexive, remote.Type);
        Assert.Equal(peers.A.LocalCandidates[0].EndPoint, remote.EndPoint);
        Assert.Equal(1862270975u, remote.Priority); // PRIORITY of the check = prflx type preference

        // The late trickled host candidate for the same address is a duplicate; end-of-candidates changes nothing.
        peers.B.AddRemoteCandidate(peers.A.LocalCandidates[0].ToSdp());
        peers.B.AddRemoteEndOfCandidates();
        byte[] rtcp = [0x80, 200, 0, 6];
        await peers.A.SendAsync(rtcp);
        await AssertReceivedAsync(peers.B, rtcp, peers.A.LocalCandidates[0].EndPoint, PacketKind.Rtcp);
        Assert.Equal(IceConnectionState.Completed, peers.B.State);
    }

    [Theory]
    [InlineData("candidate:1 1 tcp 2130706431 127.0.0.1 9 typ host tcptype active")]
    [InlineData("candidate:1 1 udp 2130706431 0c7e3ad1-1b1d-4b5e-9b55-3bd1f4f0e4a2.local 5000 typ host")]
    [InlineData("candidate:1 2 udp 2130706430 127.0.0.1 5001 typ host")]
    public void UnsupportedRemoteCandidatesAreRejected(string line)
    {
        var ex = Assert.Throws<IceException>(() => IceCandidate.FromSdp(Casto.WebRtc.Sdp.SdpCandidate.Parse(line)));
        Assert.Equal(IceError.InvalidRemote, ex.Error);
    }

    [Fact]
    public async Task SendBeforeAnyValidPairThrowsNotConnected()
    {
        await using var agent = IceAgent.Create(IceRole.Controlling);
        var ex = await Assert.ThrowsAsync<IceException>(async () => await agent.SendAsync(new byte[] { 0x80, 0 }));
        Assert.Equal(IceError.NotConnected, ex.Error);
    }

    [Fact]
    public async Task CandidatesUseLoopbackHostWithPortZeroBindAndRfcPriority()
    {
        await using var agent = IceAgent.Create(IceRole.Controlling);
        var c = Assert.Single(agent.LocalCandidates);
        Assert.Equal(IPAddress.Loopback, c.EndPoint.Address);
        Assert.NotEqual(0, c.EndPoint.Port);
        Assert.Equal(2130706431u, c.Priority);
        Assert.StartsWith("candidate:1 1 udp 2130706431 127.0.0.1 ", c.ToSdp().ToString(), StringComparison.Ordinal);
    }

    internal static async Task AssertReceivedAsync(IceAgent agent, byte[] expected, IPEndPoint from, PacketKind kind)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var datagram = await agent.Datagrams.ReadAsync(cts.Token);
        Assert.Equal(expected, datagram.Data.ToArray());
        Assert.Equal(from, datagram.RemoteEndPoint);
        Assert.Equal(kind, datagram.Kind);
    }
}
