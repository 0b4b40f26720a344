using System.Diagnostics;
using System.Text.Json;
using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Testing;

namespace Casto.Cli.Tests;

/// <summary>casto signal: the output contract, a working server, clean shutdown on SIGTERM.</summary>
public sealed class SignalCommandTests
{
    [Fact]
    public async Task Signal_prints_its_address_serves_peers_and_stops_on_sigterm()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "casto.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "signal", "--listen", "/ip4/127.0.0.1/tcp/0/ws" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            using var json = JsonDocument.Parse(line!);
            var address = json.RootElement.GetProperty("addrs")[0].GetString()!;
            Assert.Matches(@"^/ip4/127\.0\.0\.1/tcp/\d+/ws/p2p-webrtc-star$", address);

            using var key = PrivateKey.Generate();
            await using var client = await SignalClient.ConnectAsync(Multiaddr.Parse(address), key);
            Assert.Empty(await client.JoinAsync("room"));

            var kill = await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString()]);
            Assert.Equal(0, kill.ExitCode);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(0, process.ExitCode);
            await client.Completion.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(SignalError.ShuttingDown, client.CloseError);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/0")]
    [InlineData("/not/an/address")]
    public async Task Bad_listen_addresses_fail_with_a_message(string address)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("signal", "--listen", address);
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith("casto signal: ", stderr, StringComparison.Ordinal);
    }
}
