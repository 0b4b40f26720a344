using System.Diagnostics;
using Casto.Discovery.Signal;
using Casto.Discovery.Signal.Tunnel;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Protocols.Ping;

namespace Casto.Benchmarks;

/// <summary>
/// What a tunnel through a star signal server costs beside a direct TCP connection, in the same run on loopback:
/// connect (dial + Noise + Yamux + the first ping) and ping round trips over the connection, for a listener reached
/// directly and one reached only through the server (<see cref="SignalTransport"/>).
/// The server's rate limit paces the listener (all its tunnels share one signal connection): RATE frames per second
/// (default: the server's default), so a high RATE shows the path's own cost.
/// Usage: dotnet run -c Release --project bench/Casto.Benchmarks -- tunnel [CONNECTS=50] [PINGS=200] [RATE]
/// </summary>
internal static class TunnelBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int connects = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50;
        int pings = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200;
        var options = new SignalServerOptions();
        if (args.Length > 3)
        {
            options.MessagesPerSecond = double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
            options.MessageBurst = (int)Math.Min(int.MaxValue, 2 * options.MessagesPerSecond);
        }

        Console.WriteLine($"# tunnel bench: {connects} connects, {pings} pings per path, server rate {options.MessagesPerSecond}/s burst {options.MessageBurst}; "
            + $"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
        await using var server = await SignalServer.StartAsync(options, Multiaddr.Parse("/ip4/127.0.0.1/tcp/0/ws"));
        var owned = new List<IAsyncDisposable>();
        try
        {
            var listener = await StartAsync(owned, Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"), server.Addresses[0]);
            Multiaddr direct = listener.ListenAddresses.First(a => !a.ToString().Contains("/ws/", StringComparison.Ordinal));
            Multiaddr tunnelled = listener.ListenAddresses.First(a => a.ToString().Contains("/p2p-webrtc-star", StringComparison.Ordinal));
            foreach (var (name, address) in new[] { ("direct TCP", direct), ("through the signal server", tunnelled) })
            {
                var connect = new List<double>();
                var rtt = new List<double>();
                for (int i = 0; i < connects; i++)
                {
                    var dialer = await StartAsync(owned);
                    long start = Stopwatch.GetTimestamp();
                    var connection = await dialer.DialAsync(address);
                    await PingProtocol.PingAsync(connection, 1);
                    connect.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    if (i == connects - 1)
                    {
                        rtt.AddRange((await PingProtocol.PingAsync(connection, pings)).Select(t => t.TotalMilliseconds));
                    }

                    await dialer.DisposeAsync();
                }

                Console.WriteLine($"{name,-28} connect + first ping p50 {Quantiles.Of(connect, 0.5):0.00} ms, p90 {Quantiles.Of(connect, 0.9):0.00} ms; "
                    + $"ping p50 {Quantiles.Of(rtt, 0.5):0.000} ms, p99 {Quantiles.Of(rtt, 0.99):0.000} ms");
            }

            return 0;
        }
        finally
        {
            for (int i = owned.Count - 1; i >= 0; i--)
            {
                await owned[i].DisposeAsync();
            }
        }
    }

    private static async Task<CastoHost> StartAsync(List<IAsyncDisposable> owned, params Multiaddr[] listen)
    {
        var key = PrivateKey.Generate();
        var transport = new SignalTransport(key);
        var options = HostDefaults.Create(key);
        options.Transports.Add(transport);
        foreach (var a in listen)
        {
            options.ListenAddresses.Add(a);
        }

        var host = await CastoHost.StartAsync(options);
        PingProtocol.Register(host);
        owned.Add(transport);
        owned.Add(host);
        return host;
    }
}
