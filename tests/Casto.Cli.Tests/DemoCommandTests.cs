using System.Text.Json;

namespace Casto.Cli.Tests;

/// <summary>casto demo: signalling server, broadcaster and viewers in one process; every viewer gets video.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Every_viewer_receives_the_broadcast_down_a_tree()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("demo", "--viewers", "3", "--relays", "3", "--seconds", "5");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Matches(@"^/ip4/127\.0\.0\.1/tcp/\d+/ws/p2p-webrtc-star$", lines[0].GetProperty("signal").GetString()!);
        var viewerLines = lines.Where(l => l.TryGetProperty("viewer", out _)).ToList();
        var last = viewerLines.GroupBy(l => l.GetProperty("viewer").GetInt32()).Select(g => g.Last()).ToList();
        Assert.Equal(3, last.Count);
        Assert.All(last, v =>
        {
            Assert.True(v.GetProperty("frames").GetInt64() >= 30, v.ToString());
            Assert.True(v.GetProperty("keyframes").GetInt64() >= 1, v.ToString());
        });
        Assert.Equal(3, last.Select(v => v.GetProperty("peerId").GetString()).Distinct().Count());

        // Seven nodes under a broadcaster with fan-out 2: the broadcaster feeds two, the rest are deeper.
        var trees = lines.Where(l => l.TryGetProperty("broadcaster", out _) && l.TryGetProperty("children", out _)).ToList();
        Assert.NotEmpty(trees);
        Assert.Equal(2, trees[^1].GetProperty("children").GetInt32());
        Assert.Contains(viewerLines, v => v.GetProperty("depth").GetInt32() >= 2);
    }

    [Fact]
    public async Task Chaos_kills_and_stops_relays_and_the_viewers_keep_watching()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("demo", "--viewers", "3", "--relays", "4", "--chaos", "--seconds", "11");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var chaos = lines.Where(l => l.TryGetProperty("chaos", out _)).Select(l => l.GetProperty("chaos").GetString()).ToList();
        Assert.Contains("killed", chaos);
        Assert.Contains("left", chaos);
        int chaosIndex = lines.FindIndex(l => l.TryGetProperty("chaos", out _));
        var viewers = lines.Where(l => l.TryGetProperty("viewer", out _)).ToList();
        foreach (var g in viewers.GroupBy(v => v.GetProperty("viewer").GetInt32()))
        {
            // Still receiving in the last seconds, after relays went away.
            var series = g.Select(v => v.GetProperty("frames").GetInt64()).ToList();
            Assert.True(series[^1] - series[^4] >= 45, $"viewer {g.Key}: frames {string.Join(",", series)}");
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("33")]
    public async Task Bad_viewer_counts_fail_with_a_message(string viewers)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("demo", "--viewers", viewers, "--seconds", "1");
        Assert.Equal(1, code);
        Assert.StartsWith("casto demo: ", stderr, StringComparison.Ordinal);
    }
}
