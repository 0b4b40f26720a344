using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Sdp;
using Casto.WebRtc.Stun;
using Casto.WebRtc.Tests.Turn;

namespace Casto.WebRtc.Tests.Ice;

/// <summary>Gathering server-reflexive and relayed candidates, and agents connecting through a real coturn only.</summary>
public sealed class IceTurnTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static IceServer Turn(CoturnServer server) =>
        new($"turn:127.0.0.1:{server.EndPoint.Port}?transport=udp", CoturnServer.User, CoturnServer.Password);

    [Fact]
    public async Task Stun_binding_to_coturn_learns_the_mapped_address_and_prunes_it_as_redundant_on_loopback()
    {
        await using var server = await CoturnServer.StartAsync();

        await using var agent = IceAgent.Create(IceRole.Controlling, new IceOptions { IceServers = [new IceServer($"stun:127.0.0.1:{server.EndPoint.Port}")] });
        var gathered = new ConcurrentQueue<IceCandidate>();
        var states = new ConcurrentQueue<IceGatheringState>();
        agent.CandidateGathered += (_, c) => gathered.Enqueue(c);
        agent.GatheringStateChanged += (_, s) => states.Enqueue(s);
        await agent.GatherAsync();

        var host = agent.LocalCandidates.Single();
        Assert.Equal(SdpCandidateType.Host, host.Type);
        Assert.Equal([host.EndPoint], agent.MappedAddresses); // RFC 8445 §5.1.3: same address as its base, so not signalled
        Assert.Equal([host], gathered.ToArray());
        Assert.Equal([IceGatheringState.Gathering, IceGatheringState.Complete], states.ToArray());
        Assert.Equal(IceGatheringState.Complete, agent.GatheringState);
        Assert.Equal(0, agent.Counters.GatherFailures);
    }

    [Fact]
    public async Task A_mapped_address_unlike_the_host_becomes_a_server_reflexive_candidate()
    {
        // A STUN server that answers as if behind a NAT: XOR-MAPPED-ADDRESS 203.0.113.7:40000.
        using var stun = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stun.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var nat = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 40000);
        using var cts = new CancellationTokenSource(Timeout);
        var responder = Task.Run(async () =>
        {
            var buffer = new byte[1500];
            var result = await stun.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), cts.Token);
            var txid = buffer.AsSpan(8, 12).ToArray();
            var response = new byte[64];
            var writer = new StunWriter(response, StunClass.SuccessResponse, StunMethod.Binding, txid);
            writer.AddXorMappedAddress(nat);
            var length = writer.Length;
            await stun.SendToAsync(response.AsMemory(0, length), result.RemoteEndPoint);
        });

        await using var agent = IceAgent.Create(IceRole.Controlling, new IceOptions
        {
            IceServers = [new IceServer($"stun:127.0.0.1:{((IPEndPoint)stun.LocalEndPoint!).Port}")],
        });
        var gathered = new ConcurrentQueue<IceCandidate>();
        agent.CandidateGathered += (_, c) => gathered.Enqueue(c);
        await agent.GatherAsync();
        await responder;

        var srflx = Assert.Single(agent.LocalCandidates, c => c.Type == SdpCandidateType.ServerReflexive);
        Assert.Equal(nat, srflx.EndPoint);
        Assert.Equal(agent.LocalCandidates[0].EndPoint, srflx.RelatedEndPoint);
        Assert.Equal(100u, srflx.Priority >> 24);
        Assert.Contains(srflx, gathered);
        var sdp = srflx.ToSdp();
        Assert.Equal("127.0.0.1", sdp.RelatedAddress);
        Assert.Contains("typ srflx raddr 127.0.0.1 rport", sdp.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unanswered_stun_server_is_skipped_and_gathering_completes()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var agent = IceAgent.Create(IceRole.Controlling, new IceOptions
        {
            IceServers = [new IceServer($"stun:127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}")],
            CheckRetransmitTimeout = TimeSpan.FromMilliseconds(10),
            GatherTimeout = TimeSpan.FromMilliseconds(200),
        });
        await agent.GatherAsync();
        Assert.Equal(IceGatheringState.Complete, agent.GatheringState);
        Assert.Equal(1, agent.Counters.GatherFailures);
        Assert.Single(agent.LocalCandidates);
    }

    [Fact]
    public async Task Turn_server_yields_a_relayed_candidate_with_type_preference_zero()
    {
        await using var server = await CoturnServer.StartAsync();

        await using var agent = IceAgent.Create(IceRole.Controlling, new IceOptions { IceServers = [Turn(server)] });
        var gathered = new ConcurrentQueue<IceCandidate>();
        agent.CandidateGathered += (_, c) => gathered.Enqueue(c);
        await agent.GatherAsync();

        var relay = Assert.Single(agent.LocalCandidates, c => c.Type == SdpCandidateType.Relay);
        Assert.Equal(IPAddress.Loopback, relay.EndPoint.Address);
        Assert.Equal(0u, relay.Priority >> 24);
        Assert.Equal(126u, agent.LocalCandidates[0].Priority >> 24);
        Assert.NotNull(relay.RelatedEndPoint);
        Assert.Equal(2, gathered.Count);
        Assert.Contains("typ relay", relay.ToSdp().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_turn_credentials_leave_no_relayed_candidate()
    {
        await using var server = await CoturnServer.StartAsync();

        var bad = new IceServer($"turn:127.0.0.1:{server.EndPoint.Port}", CoturnServer.User, "nope");
        await using var agent = IceAgent.Create(IceRole.Controlling, new IceOptions { IceServers = [bad], TransportPolicy = IceTransportPolicy.Relay });
        await agent.GatherAsync();
        Assert.Empty(agent.LocalCandidates);
        Assert.Equal(1, agent.Counters.GatherFailures);
    }

    [Fact]
    public async Task Two_relay_only_agents_connect_through_coturn_and_exchange_data_both_ways()
    {
        await using var server = await CoturnServer.StartAsync();

        IceOptions Options() => new() { IceServers = [Turn(server)], TransportPolicy = IceTransportPolicy.Relay };
        await using var a = IceAgent.Create(IceRole.Controlling, Options());
        await using var b = IceAgent.Create(IceRole.Controlled, Options());
        a.SetRemoteCredentials(b.LocalUfrag, b.LocalPassword);
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
        Trickle(a, b);
        Trickle(b, a);
        Assert.Empty(a.LocalCandidates); // relay-only: host candidates are never signalled
        a.Start();
        b.Start();
        await Task.WhenAll(a.GatherAsync(), b.GatherAsync());

        Assert.True(await IceTestPeers.UntilAsync(() => a.State == IceConnectionState.Completed && b.State == IceConnectionState.Completed, Timeout));
        Assert.Equal(SdpCandidateType.Relay, a.SelectedPair!.Local.Type);
        Assert.Equal(SdpCandidateType.Relay, a.SelectedPair.Remote.Type);
        Assert.Equal(SdpCandidateType.Relay, b.SelectedPair!.Local.Type);
        Assert.Equal(b.LocalCandidates.Single().EndPoint, a.SelectedPair.Remote.EndPoint);

        for (var round = 0; round < 2; round++)
        {
            byte[] rtp = [0x80, 0x60, 0, (byte)round, 0, 0, 0, 2, 0, 0, 0, 3, 42];
            await a.SendAsync(rtp);
            await AssertReceivedAsync(b, rtp);
            byte[] dtls = [22, 0xfe, 0xfd, 0, 0, 1, 2, (byte)round];
            await b.SendAsync(dtls);
            await AssertReceivedAsync(a, dtls);

            // After the first round the selected pair gets a channel: data then goes as ChannelData.
            var turnA = a.SelectedPair.Base.Turn!;
            var turnB = b.SelectedPair.Base.Turn!;
            Assert.True(await IceTestPeers.UntilAsync(
                () => turnA.HasChannel(a.SelectedPair.Remote.EndPoint) && turnB.HasChannel(b.SelectedPair.Remote.EndPoint), Timeout));
        }
    }

    [Fact]
    public async Task A_relay_only_agent_connects_to_a_host_only_agent()
    {
        await using var server = await CoturnServer.StartAsync();

        await using var a = IceAgent.Create(IceRole.Controlled, new IceOptions { IceServers = [Turn(server)], TransportPolicy = IceTransportPolicy.Relay });
        await using var b = IceAgent.Create(IceRole.Controlling, new IceOptions());
        a.SetRemoteCredentials(b.LocalUfrag, b.LocalPassword);
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
        Trickle(a, b);
        Trickle(b, a);
        a.Start();
        b.Start();
        await Task.WhenAll(a.GatherAsync(), b.GatherAsync());

        Assert.True(await IceTestPeers.UntilAsync(() => a.State == IceConnectionState.Completed && b.State == IceConnectionState.Completed, Timeout));
        Assert.Equal(SdpCandidateType.Relay, a.SelectedPair!.Local.Type);
        Assert.Equal(SdpCandidateType.Host, a.SelectedPair.Remote.Type);
        Assert.Equal(SdpCandidateType.Relay, b.SelectedPair!.Remote.Type);
        byte[] data = [0x80, 0x60, 0, 7, 0, 0, 0, 2, 0, 0, 0, 3];
        await b.SendAsync(data);
        await AssertReceivedAsync(a, data);
        await a.SendAsync(data);
        await AssertReceivedAsync(b, data);
    }

    [Fact]
    public void Options_refuse_null_servers_and_unknown_policies()
    {
        Assert.Throws<ArgumentException>(() => IceAgent.Create(IceRole.Controlling, new IceOptions { IceServers = [null!] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => IceAgent.Create(IceRole.Controlling, new IceOptions { TransportPolicy = (IceTransportPolicy)7 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => IceAgent.Create(IceRole.Controlling, new IceOptions { GatherTimeout = TimeSpan.Zero }));
    }

    private static void Trickle(IceAgent from, IceAgent to)
    {
        from.CandidateGathered += (_, c) => to.AddRemoteCandidate(c.ToSdp());
        from.GatheringStateChanged += (_, s) =>
        {
            if (s == IceGatheringState.Complete)
            {
                to.AddRemoteEndOfCandidates();
            }
        };
    }

    private static async Task AssertReceivedAsync(IceAgent agent, byte[] expected)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var datagram = await agent.Datagrams.ReadAsync(cts.Token);
        Assert.Equal(expected, datagram.Data.ToArray());
    }
}
