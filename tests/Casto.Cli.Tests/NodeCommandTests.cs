using System.Diagnostics;
using System.Text.Json;
using Casto.Testing;

namespace Casto.Cli.Tests;

/// <summary>casto listen / ping / perf: the stable output contract, against each other and against js-libp2p.</summary>
public sealed class NodeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("casto-node-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Listen_prints_its_addresses_and_serves_ping_and_perf_until_cancelled()
    {
        using var stop = new CancellationTokenSource();
        using var stdout = new SyncWriter();
        var listening = CastoCli.RunAsync(["listen", "--listen", "/ip4/127.0.0.1/tcp/0", "--key", Path.Combine(_dir, "l.key")], stdout, TextWriter.Null, stop.Token);
        var line = await stdout.FirstLineAsync(TimeSpan.FromSeconds(30));
        using var json = JsonDocument.Parse(line);
        var peerId = json.RootElement.GetProperty("peerId").GetString()!;
        var address = json.RootElement.GetProperty("addrs")[0].GetString()!;
        Assert.EndsWith("/p2p/" + peerId, address, StringComparison.Ordinal);

        var ping = await CliRunner.RunAsync("ping", address, "--count", "3");
        Assert.Equal(0, ping.ExitCode);
        var lines = ping.StdOut.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.True(JsonDocument.Parse(l).RootElement.GetProperty("rttMs").GetDouble() >= 0));

        var perf = await CliRunner.RunAsync("perf", address, "--upload", "1048576", "--download", "2097152");
        Assert.Equal(0, perf.ExitCode);
        using var result = JsonDocument.Parse(perf.StdOut);
        Assert.Equal(1048576, result.RootElement.GetProperty("uploadBytes").GetInt64());
        Assert.Equal(2097152, result.RootElement.GetProperty("downloadBytes").GetInt64());
        Assert.True(result.RootElement.GetProperty("gbps").GetDouble() > 0);
        Assert.True(result.RootElement.GetProperty("seconds").GetDouble() > 0);

        await stop.CancelAsync();
        Assert.Equal(0, await listening.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Ping_and_perf_reach_a_js_libp2p_node()
    {
        await using var js = await JsPeerProcess.StartAsync();
        var ping = await CliRunner.RunAsync("ping", js.Addresses[0], "--count", "2");
        Assert.Equal(0, ping.ExitCode);
        var perf = await CliRunner.RunAsync("perf", js.Addresses[0], "--upload", "4194304", "--download", "4194304");
        Assert.Equal(0, perf.ExitCode);
    }

    [Theory]
    [InlineData("ping", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")]
    [InlineData("ping", "/not/an/address")]
    [InlineData("perf", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")]
    public async Task Unreachable_or_invalid_targets_fail_with_a_message(string command, string address)
    {
        string[] args = command == "perf" ? [command, address, "--upload", "1", "--download", "1"] : [command, address];
        var (code, stdout, stderr) = await CliRunner.RunAsync(args);
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith($"casto {command}: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_shuts_down_cleanly_on_sigterm()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "casto.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "listen", "--listen", "/ip4/127.0.0.1/tcp/0", "--key", Path.Combine(_dir, "s.key") })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("\"addrs\"", line, StringComparison.Ordinal);
            var kill = await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString()]);
            Assert.Equal(0, kill.ExitCode);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>A thread-safe writer whose first line can be awaited.</summary>
    private sealed class SyncWriter : StringWriter
    {
        private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void WriteLine(string? value)
        {
            lock (this)
            {
                base.WriteLine(value);
            }

            _firstLine.TrySetResult(value ?? string.Empty);
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public Task<string> FirstLineAsync(TimeSpan timeout) => _firstLine.Task.WaitAsync(timeout);
    }
}
