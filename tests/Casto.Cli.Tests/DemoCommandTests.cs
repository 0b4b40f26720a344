using System.Text.Json;

namespace Casto.Cli.Tests;

/// <summary>casto demo: signalling server, broadcaster and viewers in one process; every viewer gets video.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Every_viewer_receives_the_broadcast()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("demo", "--viewers", "3", "--seconds", "4");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Matches(@"^/ip4/127\.0\.0\.1/tcp/\d+/ws/p2p-webrtc-star$", lines[0].GetProperty("signal").GetString()!);
        var last = lines.Skip(1).GroupBy(l => l.GetProperty("viewer").GetInt32()).Select(g => g.Last()).ToList();
        Assert.Equal(3, last.Count);
        Assert.All(last, v =>
        {
            Assert.True(v.GetProperty("frames").GetInt64() >= 30, v.ToString());
            Assert.True(v.GetProperty("keyframes").GetInt64() >= 1, v.ToString());
        });
        Assert.Equal(3, last.Select(v => v.GetProperty("peerId").GetString()).Distinct().Count());
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
