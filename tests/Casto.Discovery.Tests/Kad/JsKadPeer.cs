using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Casto.Discovery.Tests.Kad;

/// <summary>
/// The js-libp2p Kademlia peer (tests/interop/js/kad.mjs) driven over stdin/stdout: one JSON command per line, one JSON
/// answer per line. Fails (never skips) when node or @libp2p/kad-dht is missing. Disposing closes stdin; the peer exits.
/// </summary>
public sealed class JsKadPeer : IAsyncDisposable
{
    private readonly LineProcess _process;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonElement>> _pending = [];
    private Task _replies = Task.CompletedTask;
    private int _nextId;

    private JsKadPeer(LineProcess process) => _process = process;

    public string PeerId { get; private set; } = "";

    public IReadOnlyList<string> Addresses { get; private set; } = [];

    public IReadOnlyList<string> Protocols { get; private set; } = [];

    public string StdErr => _process.StdErr;

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

        var peer = new JsKadPeer(LineProcess.Start(info));
        try
        {
            string first = await peer._process.WaitForLineAsync(_ => true, TimeSpan.FromSeconds(60)); // the address line
            using var json = JsonDocument.Parse(first);
            peer.PeerId = json.RootElement.GetProperty("peerId").GetString()!;
            peer.Addresses = [.. json.RootElement.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!)];
            peer.Protocols = [.. json.RootElement.GetProperty("protocols").EnumerateArray().Select(a => a.GetString()!)];
        }
        catch
        {
            await peer._process.DisposeAsync(); // a half-started peer must not outlive the failure
            throw;
        }

        peer._replies = Task.Run(peer.ReadRepliesAsync);
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
        await _process.WriteLineAsync(command.ToJsonString());
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

    /// <summary>Hands each {"reply":ID,…} line to the command waiting for it; other lines are logs.</summary>
    private async Task ReadRepliesAsync()
    {
        await foreach (string line in _process.ReadAllLinesAsync())
        {
            if (!line.StartsWith("{\"reply\":", StringComparison.Ordinal))
            {
                continue;
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
                // not an answer after all
            }
        }

        // stdout closed: the peer exited, so no command still waiting will be answered
        lock (_gate)
        {
            foreach (var tcs in _pending.Values)
            {
                tcs.TrySetException(new InvalidOperationException($"the js kad peer exited; stderr: {StdErr}"));
            }

            _pending.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync(); // closes stdin, then SIGTERM; kad.mjs exits on either
        await _replies;
    }
}
