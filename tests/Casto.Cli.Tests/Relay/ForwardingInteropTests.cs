using System.Text.Json;
using Casto.Testing;

namespace Casto.Cli.Tests.Relay;

/// <summary>
/// `casto serve` against real WebRTC stacks: headless Chromium 156 publishing with WHIP and watching the node's /watch
/// page (WHEP), and aiortc 1.4 publishing and subscribing; each run inside its own `unshare -n` namespace with only
/// loopback up (tests/interop/webrtc-pair.sh). A missing Chromium, node or aiortc makes these fail.
/// </summary>
public sealed class ForwardingInteropTests
{
    private static readonly string Casto = $"dotnet {Path.Combine(AppContext.BaseDirectory, "casto.dll")}";
    private static readonly string Chromium = $"node {Path.Combine(RepoPaths.JsPeers, "webrtc", "chromium-whip.mjs")}";
    private static readonly string Aiortc = $"/usr/bin/python3 {Path.Combine(RepoPaths.Root, "tests", "interop", "python", "aiortc_whip.py")}";

    [Fact]
    public async Task Chromium_publishes_over_whip_and_another_Chromium_tab_watches()
    {
        var (client, server) = await RunAsync($"{Chromium} --base http://{{url}} --stream live --seconds 6");

        Assert.Equal("connected", client.GetProperty("publisher").GetProperty("connectionState").GetString());
        var viewer = client.GetProperty("viewer");
        long first = viewer.GetProperty("first").GetProperty("framesDecoded").GetInt64();
        long second = viewer.GetProperty("second").GetProperty("framesDecoded").GetInt64();
        Assert.True(first > 0 && second > first + 30, $"framesDecoded must grow: {viewer}");
        Assert.Equal("connected", viewer.GetProperty("second").GetProperty("state").GetString());
        Assert.Equal("Casto: live", viewer.GetProperty("title").GetString());
        Assert.Contains(server, l => l.Contains("\"subscribers\":1", StringComparison.Ordinal) && l.Contains("\"stream\":\"live\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Aiortc_publishes_over_whip_and_subscribes_over_whep()
    {
        var (client, _) = await RunAsync($"{Aiortc} http://{{url}} --stream live --seconds 4");

        Assert.Equal("connected", client.GetProperty("publisher").GetString());
        Assert.Equal("connected", client.GetProperty("subscriber").GetString());
        Assert.True(client.GetProperty("framesReceived").GetInt64() >= 30, client.ToString());
        Assert.Equal(640, client.GetProperty("size")[0].GetInt32()); // aiortc's VideoStreamTrack, forwarded as it is
        Assert.Equal(200, client.GetProperty("deleteWhep").GetInt32());
        Assert.Equal(200, client.GetProperty("deleteWhip").GetInt32());
    }

    /// <summary>`casto serve` and the client in a fresh network namespace; the client's last JSON line and the server's lines.</summary>
    private static async Task<(JsonElement Client, IReadOnlyList<string> Server)> RunAsync(string client)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "interop", "webrtc-pair.sh");
        var result = await ProcessRunner.RunAsync(
            "unshare", ["-n", "env", "URL_KEY=http", "bash", script, $"{Casto} serve --http 127.0.0.1:0", client], RepoPaths.Root, TimeSpan.FromSeconds(120));
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
        var clientLine = lines.Last(l => l.StartsWith("client: {", StringComparison.Ordinal))["client: ".Length..];
        var serverLines = lines.Where(l => l.StartsWith("server: ", StringComparison.Ordinal)).Select(l => l["server: ".Length..]).ToList();
        return (JsonDocument.Parse(clientLine).RootElement, serverLines);
    }
}
