using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Casto.Sdk;

namespace Casto.Sdk.Tests;

public sealed class ErrorTests
{
    [Fact]
    public async Task UnknownStreamThrowsStreamNotFoundWithinTheTimeoutAndReleasesThePeer()
    {
        using var cts = Loopback.Timeout();
        await using var other = await Loopback.PublishClipAsync("other-stream", cts.Token); // a live peer that does not carry ours
        int port = Loopback.FreeTcpPort();
        var options = Loopback.Options("no-such-stream", other.Addresses, TimeSpan.FromSeconds(1.5));
        options.ListenAddresses[0] = $"/ip4/127.0.0.1/tcp/{port}";
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<CastoException>(() => new CastoClient(options).StartAsync(cts.Token));

        Assert.Equal(CastoError.StreamNotFound, ex.Error);
        Assert.Contains("no-such-stream", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1 bootstrap peer", ex.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(6));
        using var again = new TcpListener(IPAddress.Loopback, port);
        again.Start(); // the failed viewer's host no longer listens
        Assert.Equal(0, other.Children);
    }

    [Fact]
    public async Task UnreachableSignalServerThrowsSignalUnreachable()
    {
        var options = Loopback.Options("signal-down");
        options.SignalServers.Add($"/ip4/127.0.0.1/tcp/{Loopback.FreeTcpPort()}/ws");
        var ex = await Assert.ThrowsAsync<CastoException>(() => new CastoClient(options).StartAsync());
        Assert.Equal(CastoError.SignalUnreachable, ex.Error);
    }

    [Fact]
    public async Task AFileThatIsNeitherIvfNorH264IsUnsupported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"casto-{Guid.NewGuid():n}.ivf");
        await File.WriteAllTextAsync(path, "this is not a video");
        try
        {
            var client = new CastoClient(Loopback.Options("bad-file"));
            var ex = await Assert.ThrowsAsync<CastoException>(() => client.PublishAsync(CastoSource.File(path)));
            Assert.Equal(CastoError.UnsupportedFile, ex.Error);
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ADamagedIvfFileIsUnsupported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"casto-{Guid.NewGuid():n}.ivf");
        await File.WriteAllBytesAsync(path, [.. "DKIF"u8.ToArray(), 0, 0]); // the signature, then the header ends
        try
        {
            var ex = await Assert.ThrowsAsync<CastoException>(() => new CastoClient(Loopback.Options("bad-ivf")).PublishAsync(CastoSource.File(path)));
            Assert.Equal(CastoError.UnsupportedFile, ex.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AnRtpPortInUseIsAddressInUse()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var ex = await Assert.ThrowsAsync<CastoException>(() => new CastoClient(Loopback.Options("rtp-busy")).PublishAsync(CastoSource.Rtp(port)));
        Assert.Equal(CastoError.AddressInUse, ex.Error);
    }
}
