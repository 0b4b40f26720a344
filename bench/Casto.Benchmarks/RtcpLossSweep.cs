using System.Globalization;
using Casto.Testing;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Tests.PeerConnection;

namespace Casto.Benchmarks;

/// <summary>
/// NACK loss recovery end to end (docs/performance.md): a sendonly and a recvonly <see cref="RtcPeerConnection"/> whose
/// ICE candidates point at a <see cref="LossyUdpProxy"/> on 127.0.0.1 dropping a seeded fraction of datagrams each
/// way, for 0/5/10/20 % loss and both drop modes (all datagrams, SRTP/SRTCP only); the default VP8 clip, looped.
/// Usage: dotnet run -c Release --project bench/Casto.Benchmarks -- rtcp-loss-sweep [PACKETS]
/// </summary>
internal static class RtcpLossSweep
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        int packets = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        Console.WriteLine($"# rtcp loss sweep: {packets} RTP packets per run; {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        foreach (double loss in new[] { 0.0, 0.05, 0.10, 0.20 })
        {
            foreach (var drop in new[] { LossyUdpProxyDrop.All, LossyUdpProxyDrop.SrtpOnly })
            {
                try
                {
                    Console.WriteLine($"{drop}: {await LossyPeerRun.RunAsync(loss, drop, packets, Timeout)}");
                }
                catch (PeerConnectionException ex) when (ex.Error == PeerConnectionError.ConnectFailed)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{drop}: loss {loss:P0} each way: connecting failed ({ex.Message})"));
                }
            }
        }

        return 0;
    }
}
