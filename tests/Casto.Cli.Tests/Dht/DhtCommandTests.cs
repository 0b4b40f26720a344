using System.CommandLine;
using System.Text.Json;
using Casto.Cli.Dht;

namespace Casto.Cli.Tests.Dht;

/// <summary>casto dht: serve a provider, then find it and its peer from a second (client-mode) node.</summary>
public sealed class DhtCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("casto-dht-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Invoked without the root command: DhtCommand is registered in CastoCli.cs separately.
    private static Task<int> RunAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand { DhtCommand.Create(stdout, TextWriter.Null) };
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = TextWriter.Null }, cancellationToken);
    }

    [Fact]
    public async Task Serve_provides_and_find_providers_and_find_peer_reach_it()
    {
        using var stop = new CancellationTokenSource();
        using var serveOut = new LineWriter();
        var table = Path.Combine(_dir, "table.json");
        var serving = RunAsync(["dht", "serve", "--key", Path.Combine(_dir, "a.key"), "--provide", "stream:cli-test", "--table", table], serveOut, stop.Token);
        using var started = JsonDocument.Parse(await serveOut.FirstLineAsync(TimeSpan.FromSeconds(30)));
        var peerId = started.RootElement.GetProperty("peerId").GetString()!;
        var address = started.RootElement.GetProperty("addrs")[0].GetString()!;

        using var findOut = new StringWriter();
        Assert.Equal(0, await RunAsync(["dht", "find-providers", "stream:cli-test", "--bootstrap", address, "--max", "1"], findOut));
        var lines = findOut.ToString().Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(peerId, lines[0].GetProperty("peerId").GetString());
        Assert.True(lines[^1].GetProperty("done").GetBoolean());
        Assert.Equal(1, lines[^1].GetProperty("count").GetInt32());

        using var peerOut = new StringWriter();
        Assert.Equal(0, await RunAsync(["dht", "find-peer", peerId, "--bootstrap", address], peerOut));
        Assert.Equal(peerId, JsonDocument.Parse(peerOut.ToString()).RootElement.GetProperty("peerId").GetString());

        await stop.CancelAsync();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(File.Exists(table));
    }

    [Fact]
    public async Task Find_providers_without_a_reachable_bootstrap_peer_finds_none()
    {
        using var output = new StringWriter();
        Assert.Equal(0, await RunAsync(["dht", "find-providers", "stream:nobody", "--bootstrap", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWAfQYpfjNhmb3Zbx93YwSn8nHZrkci7op4kjccjmSEWaC"], output));
        Assert.Equal(0, JsonDocument.Parse(output.ToString().Trim()).RootElement.GetProperty("count").GetInt32());
    }

    private sealed class LineWriter : StringWriter
    {
        private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task WriteLineAsync(string? value)
        {
            lock (this)
            {
                base.WriteLine(value);
            }

            _first.TrySetResult(value ?? "");
            return Task.CompletedTask;
        }

        public Task<string> FirstLineAsync(TimeSpan timeout) => _first.Task.WaitAsync(timeout);
    }
}
