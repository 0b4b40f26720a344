using BenchmarkDotNet.Running;
using Casto.Benchmarks;

if (args.Length > 0 && args[0] == "perf-matrix")
{
    return await PerfMatrix.RunAsync(args);
}

if (args.Length > 0 && args[0] == "raw-sink")
{
    return await PerfMatrix.RawSinkAsync();
}

if (args.Length > 0 && args[0] == "signal")
{
    return await SignalBench.RunAsync(args);
}

if (args.Length > 0 && args[0] == "rtcp-loss-sweep")
{
    return await RtcpLossSweep.RunAsync(args);
}

if (args.Length > 2 && args[0] == "mdns-probe")
{
    return await MdnsDiscoveryBench.ProbeAsync(args);
}

if (args.Length > 0 && args[0] == "mdns-discovery")
{
    return await MdnsDiscoveryBench.RunAsync(args);
}

if (args.Length > 0 && args[0] == "kad-js")
{
    return await KadJsBench.RunAsync(args);
}

if (args.Length > 0 && args[0] == "tunnel")
{
    return await TunnelBench.RunAsync(args);
}

if (args.Length > 0 && args[0] == "kad")
{
    return await KadBench.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(PerfMatrix).Assembly).Run(args);
return 0;
