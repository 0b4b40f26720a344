using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Tests.Ice;

/// <summary>The wire form and retransmission schedule of connectivity checks, against a silent raw socket on a fake clock.</summary>
public sealed class IceCheckTests
{
    private const string RemoteUfrag = "rEmO";
    private const string RemotePassword = "remotepasswordremotepassword";

    [Fact]
    public async Task ChecksToASilentPeerAreWellFormedRetransmittedWithBackoffThenFail()
    {
        var clock = new ManualTimeProvider();
        var options = new IceOptions
        {
            TimeProvider = clock,
            CheckInterval = TimeSpan.FromMilliseconds(50),
            CheckRetransmitTimeout = TimeSpan.FromMilliseconds(500),
            MaxCheckTransmissions = 4,
            TieBreaker = 0x0102030405060708,
        };
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var agent = IceAgent.Create(IceRole.Controlling, options);
        agent.SetRemoteCredentials(RemoteUfrag, RemotePassword);
        agent.AddRemoteCandidate(new IceCandidate("9", 2130706431, (IPEndPoint)silent.LocalEndPoint!, Casto.WebRtc.Sdp.SdpCandidateType.Host));
        agent.AddRemoteEndOfCandidates();
        agent.Start();

        var arrivals = new List<(TimeSpan At, byte[] Data)>();
        var buffer = new byte[1500];
        while (agent.State != IceConnectionState.Failed && clock.Now < TimeSpan.FromSeconds(20))
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
            while (silent.Available > 0)
            {
                var n = silent.Receive(buffer);
                arrivals.Add((clock.Now, buffer[..n]));
            }
        }

        Assert.Equal(IceConnectionState.Failed, agent.State);
        Assert.Equal(4, arrivals.Count);

        // First check on the first tick, then RTO 500 ms doubling: +500, +1000, +2000; the pair fails 4 s after the last.
        Assert.Equal(TimeSpan.FromMilliseconds(50), arrivals[0].At);
        Assert.Equal(TimeSpan.FromMilliseconds(550), arrivals[1].At);
        Assert.Equal(TimeSpan.FromMilliseconds(1550), arrivals[2].At);
        Assert.Equal(TimeSpan.FromMilliseconds(3550), arrivals[3].At);
        Assert.Equal(TimeSpan.FromMilliseconds(7550), clock.Now);

        var first = CheckRequest(arrivals[0].Data, agent.LocalUfrag);
        foreach (var (_, data) in arrivals)
        {
            Assert.Equal(first, CheckRequest(data, agent.LocalUfrag)); // same transaction id on every retransmission
        }
    }

    /// <summary>Asserts the RFC 8445 §7.2.2 attributes and returns the transaction id as hex.</summary>
    private static string CheckRequest(byte[] datagram, string localUfrag)
    {
        Assert.True(StunMessage.TryRead(datagram, out var m));
        Assert.Equal(StunClass.Request, m.Class);
        Assert.Equal(StunMethod.Binding, m.Method);
        Assert.Equal($"{RemoteUfrag}:{localUfrag}", m.Username);
        Assert.Equal(1862270975u, m.Priority); // prflx type preference, local preference 65535, component 1
        Assert.Equal(0x0102030405060708UL, m.IceControlling);
        Assert.Null(m.IceControlled);
        Assert.False(m.UseCandidate);
        m.Validate(StunCredentials.ShortTermKey(RemotePassword), requireFingerprint: true);
        return Convert.ToHexString(m.TransactionId);
    }
}
