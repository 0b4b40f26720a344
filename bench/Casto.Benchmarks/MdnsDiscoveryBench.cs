using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Casto.Benchmarks;

/// <summary>
/// Start-to-discovery time over mDNS between two network namespaces joined by a veth pair (needs root + iproute2):
/// node A runs; node B is started and we time, from B's process start, (1) B printing A and (2) A printing B.
/// Pairs C#↔C# (<c>casto discover</c>), js↔js (tests/interop/js/mdns.mjs, @libp2p/mdns) and mixed, same run, same machine.
/// Usage: dotnet run -c Release --project bench/Casto.Benchmarks -- mdns-discovery [RUNS]
/// </summary>
internal static class MdnsDiscoveryBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var root = PerfMatrix.FindRoot();
        var casto = Path.Combine(root, "src", "Relay", "Casto.Cli", "bin", "Release", "net10.0", "casto.dll");
        var js = Path.Combine(root, "tests", "interop", "js");
        Console.WriteLine($"# mDNS start-to-discovery: median (min–max) of {runs}, {Environment.ProcessorCount} cores, {Environment.OSVersion}");
        Console.WriteLine("| pair | B process start → B finds A, ms | B process start → A finds B, ms | B's mDNS start → B finds A (in-process), ms | bare process start of B, ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (aCsharp, bCsharp, name) in new[]
        {
            (true, true, "C# ↔ C# (casto discover)"), (false, false, "js ↔ js (@libp2p/mdns 12)"),
            (false, true, "A js, B C#"), (true, false, "A C#, B js"),
        })
        {
            var bFinds = new List<double>();
            var aFinds = new List<double>();
            var inProcess = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var (b, a, ms) = await OnceAsync(aCsharp, bCsharp, probe: false, casto, js, i);
                bFinds.Add(b);
                aFinds.Add(a);
                if (!bCsharp)
                {
                    inProcess.Add(ms!.Value);
                }
            }

            // C#: B runs MdnsDiscovery in this program (mdns-probe), which times from just before StartAsync.
            for (var i = 0; bCsharp && i < runs; i++)
            {
                inProcess.Add((await OnceAsync(aCsharp, bCsharp, probe: true, casto, js, i)).InProcessMs!.Value);
            }

            var bare = await BareStartAsync(bCsharp, casto, js, runs);
            Console.WriteLine($"| {name} | {Stats(bFinds)} | {Stats(aFinds)} | {Stats(inProcess)} | {Stats(bare)} |");
        }

        return 0;
    }

    private static string Stats(List<double> values)
    {
        values.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"{values[values.Count / 2]:0} ({values[0]:0}–{values[^1]:0})");
    }

    /// <summary><c>mdns-probe IFACE IP</c>: MdnsDiscovery alone on real sockets; prints each peer found with ms since start.</summary>
    public static async Task<int> ProbeAsync(string[] args)
    {
        using var key = Casto.Stack.Identity.PrivateKey.Generate();
        var sink = new ProbeSink(Stopwatch.StartNew());
        await using var mdns = new Casto.Discovery.Mdns.MdnsDiscovery(new Casto.Discovery.Mdns.MdnsOptions
        {
            PeerId = key.PeerId,
            Addresses = [Casto.Stack.Multiaddrs.Multiaddr.Parse($"/ip4/{args[2]}/tcp/4001")],
            Interface = args[1],
        });
        await mdns.StartAsync(sink);
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"started in {sink.Clock.Elapsed.TotalMilliseconds:0.0} ms"));
        await Task.Delay(TimeSpan.FromSeconds(60));
        return 0;
    }

    private sealed class ProbeSink(Stopwatch clock) : Casto.Discovery.IDiscoverySink
    {
        public Stopwatch Clock => clock;

        public void Publish(Casto.Discovery.DiscoveryEvent discoveryEvent) =>
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                source = discoveryEvent.Source,
                addrs = discoveryEvent.Addrs.Select(a => a.ToString()).ToArray(),
                ms = clock.Elapsed.TotalMilliseconds,
            }));
    }

    private static async Task<(double BFindsA, double AFindsB, double? InProcessMs)> OnceAsync(bool aCsharp, bool bCsharp, bool probe, string casto, string js, int run)
    {
        var tag = $"{Environment.ProcessId % 10000}{run}";
        string nsA = $"casto-mdnsb-{tag}a", nsB = $"casto-mdnsb-{tag}b", net = $"10.{200 + (run % 50)}.{Environment.ProcessId % 250}";
        try
        {
            await Ip("netns", "add", nsA);
            await Ip("netns", "add", nsB);
            await Ip("link", "add", $"cb{tag}a", "netns", nsA, "type", "veth", "peer", "name", $"cb{tag}b", "netns", nsB);
            foreach (var (ns, dev, ip) in new[] { (nsA, $"cb{tag}a", net + ".1"), (nsB, $"cb{tag}b", net + ".2") })
            {
                await Ip("-n", ns, "addr", "add", ip + "/24", "dev", dev);
                await Ip("-n", ns, "link", "set", dev, "up");
                await Ip("-n", ns, "link", "set", "lo", "up");
                await Ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", dev);
            }

            using var a = Start(aCsharp, nsA, net + ".1", $"cb{tag}a", casto, js);
            await Task.Delay(3000); // A fully up (runtime started, first query and announcement sent).
            var clock = Stopwatch.StartNew();
            using var b = probe
                ? Process.Start(Info("ip", js, ["netns", "exec", nsB, "dotnet", typeof(MdnsDiscoveryBench).Assembly.Location, "mdns-probe", $"cb{tag}b", net + ".2"]))!
                : Start(bCsharp, nsB, net + ".2", $"cb{tag}b", casto, js);
            var bFinds = FirstFoundAsync(b, net + ".1", clock);
            var aFinds = FirstFoundAsync(a, net + ".2", clock);
            var (bAt, bLine) = await bFinds.WaitAsync(TimeSpan.FromSeconds(60));
            var (aAt, _) = await aFinds.WaitAsync(TimeSpan.FromSeconds(60));
            using var json = JsonDocument.Parse(bLine);
            var result = (bAt, aAt, json.RootElement.TryGetProperty("ms", out var ms) ? ms.GetDouble() : (double?)null);
            foreach (var p in new[] { a, b })
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }

            return result;
        }
        finally
        {
            await Ip("netns", "del", nsA);
            await Ip("netns", "del", nsB);
        }
    }

    private static async Task<(double At, string Line)> FirstFoundAsync(Process process, string ip, Stopwatch clock)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Contains("\"source\"", StringComparison.Ordinal) && line.Contains("/ip4/" + ip + "/", StringComparison.Ordinal))
            {
                return (clock.Elapsed.TotalMilliseconds, line);
            }
        }

        throw new InvalidOperationException("exited before discovering");
    }

    private static async Task<List<double>> BareStartAsync(bool csharp, string casto, string js, int runs)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            using var p = Process.Start(Info(csharp ? "dotnet" : "node", js, csharp ? [casto, "--version"] : ["--import", "./polyfill.mjs", "-e", "console.log('x')"]))!;
            await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    private static Process Start(bool csharp, string ns, string ip, string dev, string casto, string js)
    {
        string[] command = csharp
            ? ["dotnet", casto, "discover", "--mdns", "--listen", $"/ip4/{ip}/tcp/0", "--interface", dev]
            : ["node", "--import", "./polyfill.mjs", "mdns.mjs", $"/ip4/{ip}/tcp/0", "10000"];
        return Process.Start(Info("ip", js, ["netns", "exec", ns, .. command])) ?? throw new InvalidOperationException("cannot start");
    }

    private static ProcessStartInfo Info(string file, string directory, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static async Task Ip(params string[] arguments)
    {
        using var p = Process.Start(Info("ip", "/", arguments))!;
        await p.WaitForExitAsync();
    }
}
