using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Casto.Discovery.Kad;
using Casto.Testing;

namespace Casto.Benchmarks;

/// <summary>
/// Kademlia lookups of Casto beside js-libp2p @libp2p/kad-dht, same machine, same run, TCP loopback (Noise + Yamux):
/// an all-C# network, an all-js one and a half-and-half one (<see cref="KadBenchNetwork"/>), each of NODES members.
/// Each row is LOOKUPS sequential FIND_NODE lookups (getClosestPeers) for random keys from random members of one
/// implementation, then LOOKUPS/5 (at least 5) provides of new CIDs. js times are taken inside node (kad.mjs
/// closestStats/provideStats), so they exclude the stdin round trip. Both sides run their own defaults
/// (C#: α 3, 1 path; js: α 10, 10 disjoint paths).
/// Usage: dotnet run -c Release --project bench/Casto.Benchmarks -- kad-js [NODES=8] [LOOKUPS=50]
/// </summary>
internal static class KadJsBench
{
    private const int Warmup = 5;

    private sealed record Row(string Network, string From, List<double> LookupMs, List<int> Queried, List<int> Found, List<int> Hops, List<double> ProvideMs);

    public static async Task<int> RunAsync(string[] args)
    {
        var nodes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        var lookups = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;
        var provides = Math.Max(5, lookups / 5);
        Console.WriteLine($"# Kademlia beside js-libp2p: {nodes} nodes per network, {lookups} lookups and {provides} provides per row");
        Console.WriteLine($"# {Environment.ProcessorCount} cores ({CpuModel()}), .NET {Environment.Version}, node {(await ProcessRunner.RunAsync("node", ["--version"])).Line}, @libp2p/kad-dht {KadDhtVersion()}");

        var rows = new List<Row>();
        var networks = new (string Name, int CSharp, int Js)[] { ($"all C# ({nodes})", nodes, 0), ($"all js ({nodes})", 0, nodes), ($"mixed {nodes / 2} C# + {nodes - nodes / 2} js", nodes / 2, nodes - nodes / 2) };
        foreach (var (name, csharp, js) in networks)
        {
            await using var network = await KadBenchNetwork.StartAsync(csharp, js, seed: 7);
            var (csharpTable, jsTable) = await network.TableSizesAsync();
            var tables = string.Join(", ", new[] { ("C#", csharpTable), ("js", jsTable) }.Where(t => !double.IsNaN(t.Item2)).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Item1} {t.Item2:0.0}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: joined in {network.JoinSeconds:0.0} s; routing tables mean {tables}"));
            if (csharp > 0)
            {
                rows.Add(await MeasureCSharpAsync(network, name, lookups, provides));
            }

            if (js > 0)
            {
                rows.Add(await MeasureJsAsync(network, name, lookups, provides));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| network | lookups from | lookup p50 / p99 ms | peers queried p50 | closest returned p50 | hops p50 / max | provide p50 / p99 ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var hops = r.Hops.Count > 0 ? $"{Quantiles.Of(r.Hops, 0.5):0} / {r.Hops.Max()}" : "—";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Network} | {r.From} | {Quantiles.Of(r.LookupMs, 0.5):0.0} / {Quantiles.Of(r.LookupMs, 0.99):0.0} | {Quantiles.Of(r.Queried, 0.5):0} | {Quantiles.Of(r.Found, 0.5):0} | {hops} | {Quantiles.Of(r.ProvideMs, 0.5):0.0} / {Quantiles.Of(r.ProvideMs, 0.99):0.0} |"));
        }

        return 0;
    }

    private static async Task<Row> MeasureCSharpAsync(KadBenchNetwork network, string name, int lookups, int provides)
    {
        var random = new Random(11);
        var row = new Row(name, "C#", [], [], [], [], []);
        for (var i = 0; i < Warmup + lookups; i++)
        {
            var (_, dht) = network.CSharp[random.Next(network.CSharp.Count)];
            var started = Stopwatch.GetTimestamp();
            var stats = await dht.GetClosestPeersAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (i >= Warmup)
            {
                row.LookupMs.Add(ms);
                row.Queried.Add(stats.Queried);
                row.Found.Add(stats.Closest.Count);
                row.Hops.Add(stats.Hops);
            }
        }

        for (var i = 0; i < provides; i++)
        {
            var (_, dht) = network.CSharp[random.Next(network.CSharp.Count)];
            var started = Stopwatch.GetTimestamp();
            await dht.ProvideAsync(KadKeys.ForStream($"kad-js/{name}/C#/{i}"));
            row.ProvideMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return row;
    }

    private static async Task<Row> MeasureJsAsync(KadBenchNetwork network, string name, int lookups, int provides)
    {
        var random = new Random(13);
        var row = new Row(name, "js", [], [], [], [], []);
        for (var i = 0; i < Warmup + lookups; i++)
        {
            var peer = network.Js[random.Next(network.Js.Count)];
            var answer = await peer.RunAsync("closestStats", new { key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) });
            if (i >= Warmup)
            {
                row.LookupMs.Add(answer.GetProperty("ms").GetDouble());
                row.Queried.Add(answer.GetProperty("queried").GetInt32());
                row.Found.Add(answer.GetProperty("peers").GetArrayLength());
            }
        }

        for (var i = 0; i < provides; i++)
        {
            var peer = network.Js[random.Next(network.Js.Count)];
            var answer = await peer.RunAsync("provideStats", new { cid = KadKeys.ForStream($"kad-js/{name}/js/{i}").ToString() });
            row.ProvideMs.Add(answer.GetProperty("ms").GetDouble());
        }

        return row;
    }

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";

    private static string KadDhtVersion()
    {
        var path = Path.Combine(RepoPaths.JsPeers, "node_modules", "@libp2p", "kad-dht", "package.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("version").GetString() ?? "?";
    }
}
