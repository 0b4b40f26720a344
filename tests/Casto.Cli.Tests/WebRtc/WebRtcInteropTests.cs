using System.Text.Json;
using Casto.Testing;
using Casto.WebRtc.Media;

namespace Casto.Cli.Tests.WebRtc;

/// <summary>
/// `casto webrtc-echo` against real WebRTC stacks — headless Chromium 156 (playwright-core) and aiortc 1.4 — in both
/// roles, each pair inside its own `unshare -n` namespace with only loopback up (tests/interop/webrtc-pair.sh).
/// </summary>
public sealed class WebRtcInteropTests : IDisposable
{
    private static readonly string Casto = $"dotnet {Path.Combine(AppContext.BaseDirectory, "casto.dll")}";
    private static readonly string Chromium = $"node {Path.Combine(RepoPaths.JsPeers, "webrtc", "chromium-echo.mjs")}";
    private static readonly string Aiortc = $"/usr/bin/python3 {Path.Combine(RepoPaths.Root, "tests", "interop", "python", "aiortc_echo.py")}";
    private readonly string _dir = Directory.CreateTempSubdirectory("casto-webrtc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Chromium_camera_and_microphone_reach_csharp_and_are_echoed_back()
    {
        var (client, server) = await RunPairAsync($"{Casto} webrtc-echo --http 127.0.0.1:0 --record {_dir}", $"{Chromium} --url {{url}} --seconds 4 --audio");

        var session = Session(server);
        Assert.True(session.GetProperty("frames").GetInt64() >= 30, server[^1]);
        Assert.True(session.GetProperty("firstFrameIsKeyframe").GetBoolean(), "the first whole frame from Chromium is a keyframe");
        Assert.True(session.GetProperty("timestampsMonotonic").GetBoolean());
        await AssertIvfAsync(session.GetProperty("recordFile").GetString()!);

        var video = client.GetProperty("stats").GetProperty("inbound").GetProperty("video");
        Assert.Equal("connected", client.GetProperty("connectionState").GetString());
        Assert.True(video.GetProperty("framesDecoded").GetInt64() >= 30, $"Chromium decoded the echo: {video}");
        var audio = client.GetProperty("stats").GetProperty("inbound").GetProperty("audio");
        Assert.True(audio.GetProperty("packetsReceived").GetInt64() >= 50, $"Opus passed through: {audio}");
    }

    [Fact]
    public async Task Csharp_clip_is_decoded_by_a_receive_only_Chromium()
    {
        var (client, _) = await RunPairAsync($"{Casto} webrtc-echo --http 127.0.0.1:0", $"{Chromium} --url {{url}} --mode recv --seconds 4");

        var video = client.GetProperty("stats").GetProperty("inbound").GetProperty("video");
        Assert.True(video.GetProperty("framesDecoded").GetInt64() >= 30, video.ToString());
        Assert.True(video.GetProperty("keyFramesDecoded").GetInt64() >= 1, video.ToString());
        Assert.Equal(0, video.GetProperty("packetsLost").GetInt64());
    }

    [Fact]
    public async Task Csharp_offers_to_Chromium_which_echoes_back()
    {
        var (client, server) = await RunPairAsync($"{Chromium} --serve", $"{Casto} webrtc-echo --client {{url}} --seconds 4");

        Assert.Equal("connected", client.GetProperty("state").GetString());
        Assert.True(client.GetProperty("frames").GetInt64() >= 30, client.ToString());
        Assert.True(client.GetProperty("firstFrameIsKeyframe").GetBoolean());
        var chromium = JsonDocument.Parse(server[^1]).RootElement.GetProperty("inbound").GetProperty("video");
        Assert.True(chromium.GetProperty("framesDecoded").GetInt64() >= 30, chromium.ToString());
    }

    [Fact]
    public async Task Aiortc_sends_to_csharp_and_decodes_the_echo()
    {
        var (client, server) = await RunPairAsync($"{Casto} webrtc-echo --http 127.0.0.1:0 --record {_dir}", $"{Aiortc} client {{url}} --seconds 4");

        Assert.Equal("connected", client.GetProperty("connectionState").GetString());
        Assert.True(client.GetProperty("framesReceived").GetInt64() >= 30, client.ToString());
        var session = Session(server);
        Assert.True(session.GetProperty("firstFrameIsKeyframe").GetBoolean());
        Assert.True(session.GetProperty("timestampsMonotonic").GetBoolean());
        await AssertIvfAsync(session.GetProperty("recordFile").GetString()!);
    }

    [Fact]
    public async Task Aiortc_receive_only_decodes_the_csharp_clip()
    {
        var (client, _) = await RunPairAsync($"{Casto} webrtc-echo --http 127.0.0.1:0", $"{Aiortc} client {{url}} --mode recv --seconds 4");

        Assert.True(client.GetProperty("framesReceived").GetInt64() >= 30, client.ToString());
        Assert.Equal(320, client.GetProperty("size")[0].GetInt32()); // the built-in clip is 320x240
    }

    [Fact]
    public async Task Csharp_offers_to_aiortc_which_echoes_back()
    {
        var (client, _) = await RunPairAsync($"{Aiortc} server", $"{Casto} webrtc-echo --client {{url}} --seconds 4");

        Assert.Equal("connected", client.GetProperty("state").GetString());
        Assert.True(client.GetProperty("frames").GetInt64() >= 30, client.ToString());
        Assert.True(client.GetProperty("firstFrameIsKeyframe").GetBoolean());
    }

    private static JsonElement Session(IReadOnlyList<string> server) =>
        JsonDocument.Parse(Assert.Single(server, l => l.Contains("\"session\"", StringComparison.Ordinal))).RootElement;

    /// <summary>The recorded IVF starts with a keyframe and its timestamps increase.</summary>
    private static async Task AssertIvfAsync(string path)
    {
        await using var file = File.OpenRead(path);
        var clip = await MediaClip.LoadIvfAsync(file);
        Assert.True(clip.Count >= 30, $"{clip.Count} frames in {path}");
        Assert.True(clip[0].IsKeyframe);
        for (int i = 1; i < clip.Count; i++)
        {
            Assert.True(clip[i].Timestamp > clip[i - 1].Timestamp, $"frame {i} timestamp");
        }
    }

    /// <summary>Runs server and client in a fresh network namespace; returns the client's last JSON line and the server's lines.</summary>
    private static async Task<(JsonElement Client, IReadOnlyList<string> Server)> RunPairAsync(string server, string client)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "interop", "webrtc-pair.sh");
        var result = await ProcessRunner.RunAsync("unshare", ["-n", "bash", script, server, client], RepoPaths.Root, TimeSpan.FromSeconds(120));
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
        var clientLine = lines.Last(l => l.StartsWith("client: {", StringComparison.Ordinal))["client: ".Length..];
        var serverLines = lines.Where(l => l.StartsWith("server: ", StringComparison.Ordinal)).Select(l => l["server: ".Length..]).ToList();
        return (JsonDocument.Parse(clientLine).RootElement, serverLines);
    }
}
