using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Casto.Benchmarks;

/// <summary>
/// The libp2p perf matrix of issue 3, all in one run on loopback: raw TCP (the ceiling), C#↔C#, js↔js, C#→js and
/// js→C#, each as separate processes (<c>casto listen</c>/<c>casto perf</c>, <c>peer.mjs</c>), plus connect + first ping.
/// Usage: dotnet run -c Release --project bench/Casto.Benchmarks -- perf-matrix [BYTES] [RUNS]
/// (build the CLI first: dotnet build -c Release src/Relay/Casto.Cli; install tests/interop/js with npm ci).
/// </summary>
internal static partial class PerfMatrix
{
    public static async Task<int> RunAsync(string[] args)
    {
        var bytes = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1L << 30;
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var root = FindRoot();
        var casto = Path.Combine(root, "src", "Relay", "Casto.Cli", "bin", "Release", "net10.0", "casto.dll");
        var js = Path.Combine(root, "tests", "interop", "js");
        if (!File.Exists(casto))
        {
            Console.Error.WriteLine($"Build the CLI first: dotnet build -c Release {Path.Combine(root, "src", "Relay", "Casto.Cli")}");
            return 1;
        }

        Console.WriteLine($"# perf matrix: {bytes} bytes per direction, best of {runs}, {Environment.ProcessorCount} cores, {Environment.OSVersion}");
        Console.WriteLine("| pair | upload Gbit/s | download Gbit/s | connect + first ping, cold process ms | connect + first ping, warm median ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        var raw = await RawTcpAsync(bytes, runs);
        Console.WriteLine($"| raw TCP loopback (C# sockets, one process) | {raw:0.00} | {raw:0.00} | — | — |");
        var rawProcesses = await BestAsync(runs, () => RawTcpProcessesAsync(bytes));
        Console.WriteLine($"| raw TCP loopback (C# sockets, two processes) | {rawProcesses:0.00} | {rawProcesses:0.00} | — | — |");

        string[] castoCmd = ["dotnet", casto];
        string[] jsCmd = ["node", "--import", "./polyfill.mjs", "peer.mjs"];
        var rows = new Dictionary<string, Row>();
        foreach (var (name, server, client) in new[]
        {
            ("C# ↔ C#", castoCmd, castoCmd), ("js ↔ js", jsCmd, jsCmd), ("C# client → js server", jsCmd, castoCmd), ("js client → C# server", castoCmd, jsCmd),
        })
        {
            await using var listener = await Listener.StartAsync(server, js);
            rows[name] = await RunPairAsync(name, client, js, listener.Address, bytes, runs);
            if (name == "C# ↔ C#" && File.Exists(Path.Combine(root, "artifacts", "casto-aot", "casto")))
            {
                // dotnet publish src/Relay/Casto.Cli -c Release -p:PublishProfile=native (NativeAOT)
                rows["fast-start"] = await RunPairAsync("C# (NativeAOT) client → C#", [Path.Combine(root, "artifacts", "casto-aot", "casto")], js, listener.Address, bytes, runs);
            }
        }

        PrintTargets(rows, rawProcesses);
        return 0;
    }

    /// <summary>Issue 3's targets, computed from this run's rows.</summary>
    private static void PrintTargets(Dictionary<string, Row> rows, double rawProcesses)
    {
        Console.WriteLine();
        foreach (var (label, row) in rows.Where(r => r.Key is "C# ↔ C#" or "fast-start").Select(r => (r.Key == "C# ↔ C#" ? "JIT client" : "NativeAOT client", r.Value)))
        {
            var js = rows["js ↔ js"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {row.Up / js.Up:0.00}x / {row.Down / js.Down:0.00}x js (target >= 3); {row.Up / rawProcesses:0.00} / {row.Down / rawProcesses:0.00} of raw TCP across processes (target >= 0.5); "
                + $"connect + first ping {row.Cold / js.Cold:0.00} of js cold, {row.Warm / js.Warm:0.00} warm (target <= 0.5)"));
        }
    }

    /// <summary>One table row: best upload and download of <paramref name="runs"/>, then cold and warm connect + first ping.</summary>
    private static async Task<Row> RunPairAsync(string name, string[] client, string js, string address, long bytes, int runs)
    {
        var up = await BestAsync(runs, () => PerfAsync(client, js, address, bytes, 0));
        var down = await BestAsync(runs, () => PerfAsync(client, js, address, 0, bytes));
        var (cold, warm) = await ConnectAsync(client, js, address);
        Console.WriteLine($"| {name} | {up:0.00} | {down:0.00} | {cold:0.0} | {warm:0.0} |");
        return new Row(up, down, cold, warm);
    }

    private readonly record struct Row(double Up, double Down, double Cold, double Warm);

    private static async Task<double> BestAsync(int runs, Func<Task<double>> run)
    {
        var best = double.MinValue;
        for (var i = 0; i < runs; i++)
        {
            best = Math.Max(best, await run());
        }

        return best;
    }

    private static async Task<double> PerfAsync(string[] client, string js, string address, long up, long down)
    {
        var isJs = client[0] == "node";
        string[] args = isJs
            ? [.. client[1..], "dial", address, "perf", up.ToString(CultureInfo.InvariantCulture), down.ToString(CultureInfo.InvariantCulture)]
            : [.. client[1..], "perf", address, "--upload", up.ToString(CultureInfo.InvariantCulture), "--download", down.ToString(CultureInfo.InvariantCulture)];
        using var json = JsonDocument.Parse(await RunAsync(client[0], args, js));
        return json.RootElement.GetProperty("gbps").GetDouble();
    }

    /// <summary>Dial + first ping on 20 fresh connections in one client process: the first (cold) and the warm median.</summary>
    private static async Task<(double Cold, double Warm)> ConnectAsync(string[] client, string js, string address)
    {
        const int Connections = 20;
        var isJs = client[0] == "node";
        string[] args = isJs
            ? [.. client[1..], "dial", address, "connect-loop", Connections.ToString(CultureInfo.InvariantCulture)]
            : [.. client[1..], "ping", address, "--count", "1", "--connections", Connections.ToString(CultureInfo.InvariantCulture)];
        var output = await RunAsync(client[0], args, js);
        if (isJs)
        {
            using var json = JsonDocument.Parse(output);
            return (json.RootElement.GetProperty("coldMs").GetDouble(), json.RootElement.GetProperty("warmMedianMs").GetDouble());
        }

        var times = output.Split('\n').Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.GetProperty("connectMs").GetDouble();
        }).ToArray();
        var warm = times[1..].Order().ToArray();
        return (times[0], warm[warm.Length / 2]);
    }

    private static async Task<string> RunAsync(string file, string[] args, string directory)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {error}{output}");
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Casto.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find Casto.sln.");
    }

    private sealed class Listener : IAsyncDisposable
    {
        private readonly Process _process;

        private Listener(Process process, string address)
        {
            _process = process;
            Address = address;
        }

        public string Address { get; }

        public static async Task<Listener> StartAsync(string[] command, string js)
        {
            var isJs = command[0] == "node";
            var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardInput = true, WorkingDirectory = js };
            string[] args = isJs ? [.. command[1..], "listen"] : [.. command[1..], "listen", "--listen", "/ip4/127.0.0.1/tcp/0", "--key", Path.Combine(Path.GetTempPath(), "casto-bench.key")];
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            var process = Process.Start(info)!;
            var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("listener died");
            using var json = JsonDocument.Parse(line);
            return new Listener(process, json.RootElement.GetProperty("addrs")[0].GetString()!);
        }

        public async ValueTask DisposeAsync()
        {
            _process.StandardInput.Close();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
