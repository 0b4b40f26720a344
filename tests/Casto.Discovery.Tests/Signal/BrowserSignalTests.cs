using System.Text.Json;
using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using static Casto.Discovery.Tests.Signal.SignalServerTests;

namespace Casto.Discovery.Tests.Signal;

/// <summary>examples/web/signal-client.js in headless Chromium against an embedded server and a C# client.</summary>
public sealed class BrowserSignalTests
{
    [Fact]
    public async Task A_browser_registers_joins_and_exchanges_messages_with_a_csharp_peer()
    {
        JsPeers.EnsureInstalled();
        Assert.True(File.Exists("/usr/bin/chromium"), "chromium is missing: run ./test.sh (apt-get install chromium)");
        await using var server = await SignalServer.StartAsync(null, Loopback);
        using var key = PrivateKey.Generate();
        await using var csharp = await SignalClient.ConnectAsync(server.Addresses[0], key);
        await csharp.JoinAsync("browser-room");

        var browser = ProcessRunner.RunAsync(
            "node", ["signal-browser.mjs", server.Addresses[0].ToString(), "browser-room"], RepoPaths.JsPeers, TimeSpan.FromSeconds(90));
        var joined = await NextAsync(csharp, e => e.Kind == SignalEventKind.PeerJoined).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("/ip4/127.0.0.1/udp/9/webrtc-direct", Assert.Single(joined.Addrs).ToString());
        var hello = await NextAsync(csharp, e => e.Kind == SignalEventKind.Signal);
        Assert.Equal((joined.Peer, SignalKind.Opaque, "hello from the browser"), (hello.Peer, hello.SignalKind, hello.Data));
        await csharp.SendAsync(hello.Peer, SignalKind.Answer, "hello from C#");

        var result = await browser;
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.Line);
        var root = json.RootElement;
        Assert.Equal(joined.Peer.ToString(), root.GetProperty("peerId").GetString());
        Assert.Equal(key.PeerId.ToString(), root.GetProperty("members")[0].GetString());
        Assert.Equal("hello from C#", root.GetProperty("reply").GetProperty("data").GetString());
        Assert.Equal("answer", root.GetProperty("reply").GetProperty("kind").GetString());
        Assert.Equal(key.PeerId.ToString(), root.GetProperty("reply").GetProperty("from").GetString());
        Assert.Equal("unknown-peer", root.GetProperty("unknown").GetString());

        var left = await NextAsync(csharp, e => e.Kind == SignalEventKind.PeerLeft);
        Assert.Equal(joined.Peer, left.Peer);
    }
}
