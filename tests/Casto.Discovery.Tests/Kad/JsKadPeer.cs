using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Casto.Discovery.Tests.Kad;

/// <summary>
/// The js-libp2p Kademlia peer (tests/interop/js/kad.mjs) driven over stdin/stdout: one JSON command per line, one JSON
/// answer per line. Fails (never skips) when node or @libp2p/kad-dht is missing. Disposing closes stdin; the peer exits.
/// </summary>
public sealed class JsKadPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _stderr = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonElement>> _pending = [];
    private int _nextId;

    private JsKadPeer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string PeerId { get; private set; } = "";

    public IReadOnlyList<string> Addresses { get; private set; } = [];

    public IReadOnlyList<string> Protocols { get; private set; } = [];

    public string StdErr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr.TakeLast(40));
            }
        }
    }

    public static async Task<JsKadPeer> StartAsync()
    {
        JsPeers.EnsureInstalled();
        if (!Directory.Exists(Path.Combine(RepoPaths.JsPeers, "node_modules", "@libp2p", "kad-dht")))
        {
            throw new InvalidOperationException("@libp2p/kad-dht is not installed: run `npm ci` in tests/interop/js.");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.JsPeers,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--import", "./polyfill.mjs", "kad.mjs" })
        {
            info.ArgumentList.Add(argument);
        }

        var peer = new JsKadPeer(Process.Start(info) ?? throw new InvalidOperationException("Cannot start node."));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string first;
        try
        {
            first = await peer._lines.Reader.ReadAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException("The js kad peer printed no address line: " + peer.StdErr, ex);
        }

        using var json = JsonDocument.Parse(first);
        peer.PeerId = json.RootElement.GetProperty("peerId").GetString()!;
        peer.Addresses = [.. json.RootElement.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!)];
        peer.Protocols = [.. json.RootElement.GetProperty("protocols").EnumerateArray().Select(a => a.GetString()!)];
        return peer;
    }

    /// <summary>Sends a command and returns its answer; throws when the answer has "error".</summary>
    public async Task<JsonElement> RunAsync(string cmd, object? args = null, TimeSpan? timeout = null)
    {
        var command = args is null ? new JsonObject() : JsonSerializer.SerializeToNode(args)!.AsObject();
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_gate)
        {
            id = ++_nextId;
            _pending[id] = tcs;
        }

        command["id"] = id;
        command["cmd"] = cmd;
        await _process.StandardInput.WriteLineAsync(command.ToJsonString());
        await _process.StandardInput.FlushAsync();
        JsonElement answer;
        try
        {
            answer = await tcs.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(40));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"js {cmd} did not answer; stderr: {StdErr}", ex);
        }

        return answer.TryGetProperty("error", out var error)
            ? throw new InvalidOperationException($"js {cmd} failed: {error.GetString()}")
            : answer;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _lines.Writer.TryComplete();
            return;
        }

        if (!line.StartsWith("{\"reply\":", StringComparison.Ordinal))
        {
            _lines.Writer.TryWrite(line);
            return;
        }

        try
        {
            var element = JsonDocument.Parse(line).RootElement.Clone();
            TaskCompletionSource<JsonElement>? tcs;
            lock (_gate)
            {
                _pending.Remove(element.GetProperty("reply").GetInt32(), out tcs);
            }

            tcs?.TrySetResult(element);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            _lines.Writer.TryWrite(line); // not an answer after all; never crash the test host from this callback
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
