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

    [Fact]
    public async Task Provide_stays_up_and_put_get_store_a_public_key_record_through_a_server()
    {
        using var stop = new CancellationTokenSource();
        using var serveOut = new LineWriter();
        var serving = RunAsync(["dht", "serve", "--key", Path.Combine(_dir, "s.key")], serveOut, stop.Token);
        using var started = JsonDocument.Parse(await serveOut.FirstLineAsync(TimeSpan.FromSeconds(30)));
        var server = started.RootElement.GetProperty("addrs")[0].GetString()!;

        using var provideOut = new LineWriter();
        var providing = RunAsync(["dht", "provide", "--name", "cli-provide", "--bootstrap", server], provideOut, stop.Token);
        using var provided = JsonDocument.Parse(await provideOut.FirstLineAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, provided.RootElement.GetProperty("peers").GetInt32()); // the server took the record
        Assert.Equal(Casto.Discovery.Kad.KadKeys.ForStream("cli-provide").ToString(), provided.RootElement.GetProperty("provided").GetString());
        using var findOut = new StringWriter();
        Assert.Equal(0, await RunAsync(["dht", "find-providers", "stream:cli-provide", "--bootstrap", server, "--max", "1"], findOut));
        Assert.Equal(provided.RootElement.GetProperty("peerId").GetString(), JsonDocument.Parse(findOut.ToString().Split('\n')[0]).RootElement.GetProperty("peerId").GetString());

        // A /pk/ record of a key that is not inlined in its peer id (RSA): stored on the server, then fetched back.
        using var rsa = Casto.Stack.Identity.PrivateKey.Generate(Casto.Stack.Identity.KeyType.Rsa);
        string hex = Convert.ToHexStringLower(rsa.PublicKey.Protobuf);
        using var putOut = new StringWriter();
        Assert.Equal(0, await RunAsync(["dht", "put", $"pk:{rsa.PeerId}", $"hex:{hex}", "--bootstrap", server], putOut));
        Assert.Equal(2, JsonDocument.Parse(putOut.ToString()).RootElement.GetProperty("peers").GetInt32()); // both servers: serve and provide
        using var getOut = new StringWriter();
        Assert.Equal(0, await RunAsync(["dht", "get", $"pk:{rsa.PeerId}", "--bootstrap", server], getOut));
        Assert.Equal(hex, JsonDocument.Parse(getOut.ToString()).RootElement.GetProperty("value").GetString());

        // A record no validator accepts is refused before it is sent; a key nobody stored is not found.
        Assert.NotEqual(0, await RunAsync(["dht", "put", "/casto/x", "hello", "--bootstrap", server], TextWriter.Null));
        using var other = Casto.Stack.Identity.PrivateKey.Generate(Casto.Stack.Identity.KeyType.Rsa);
        Assert.NotEqual(0, await RunAsync(["dht", "get", $"pk:{other.PeerId}", "--bootstrap", server], TextWriter.Null));

        await stop.CancelAsync();
        Assert.Equal(0, await providing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(10)));
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
