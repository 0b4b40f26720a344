using System.Diagnostics;
using System.Text.Json;

namespace Casto.Testing;

/// <summary>
/// A long-running js-libp2p reference peer (<c>peer.mjs listen</c>). Its stdin is a pipe held by the test
/// process, so the peer exits when the test host dies; disposing kills it.
/// </summary>
public sealed class JsPeerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private JsPeerProcess(Process process, string peerId, IReadOnlyList<string> addresses, IReadOnlyList<string> protocols)
    {
        _process = process;
        PeerId = peerId;
        Addresses = addresses;
        Protocols = protocols;
    }

    /// <summary>The js node's peer id.</summary>
    public string PeerId { get; }

    /// <summary>Its listen addresses, each ending in /p2p/&lt;id&gt;.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>The protocols it serves.</summary>
    public IReadOnlyList<string> Protocols { get; }

    /// <summary>Starts a listening js peer and waits for its address line.</summary>
    public static async Task<JsPeerProcess> StartAsync(string listen = "/ip4/127.0.0.1/tcp/0")
    {
        JsPeers.EnsureInstalled();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.JsPeers,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--import", "./polyfill.mjs", "peer.mjs", "listen", listen })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Cannot start node.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The js peer exited before printing its addresses.");
        }

        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new JsPeerProcess(
            process,
            root.GetProperty("peerId").GetString()!,
            [.. root.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!)],
            [.. root.GetProperty("protocols").EnumerateArray().Select(a => a.GetString()!)]);
    }

    /// <summary>Runs <c>peer.mjs dial ADDRESS SCENARIO ARGS…</c> and returns its JSON output.</summary>
    public static async Task<JsonElement> DialAsync(string address, string scenario, params string[] arguments)
    {
        JsPeers.EnsureInstalled();
        var result = await ProcessRunner.RunAsync(
            "node", ["--import", "./polyfill.mjs", "peer.mjs", "dial", address, scenario, .. arguments], RepoPaths.JsPeers, TimeSpan.FromMinutes(3));
        if (string.IsNullOrWhiteSpace(result.StdOut))
        {
            throw new InvalidOperationException($"js dial printed nothing (exit {result.ExitCode}): {result.StdErr}");
        }

        using var json = JsonDocument.Parse(result.Line);
        return json.RootElement.Clone();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
