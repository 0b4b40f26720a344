using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Casto.Benchmarks;

/// <content>Raw TCP loopback, the ceiling: one process, and two processes (<c>raw-sink</c> mode).</content>
internal static partial class PerfMatrix
{
    // Raw TCP sends and receives this much per call: the size the TCP transport receives with (its default
    // ReceiveSize), so the ceiling uses the same system-call sizes the stack does.
    private const int RawBlockSize = 256 * 1024;

    private static async Task<double> RawTcpAsync(long bytes, int runs)
    {
        var best = 0.0;
        for (var run = 0; run < runs; run++)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(listener.LocalEndPoint!);
            using var server = await listener.AcceptAsync();
            var started = Stopwatch.GetTimestamp();
            var receiving = Task.Run(async () =>
            {
                var buffer = new byte[RawBlockSize];
                long total = 0;
                while (total < bytes)
                {
                    total += await server.ReceiveAsync(buffer);
                }
            });
            var block = new byte[RawBlockSize];
            for (long sent = 0; sent < bytes; sent += block.Length)
            {
                await client.SendAsync(block);
            }

            await receiving;
            best = Math.Max(best, bytes * 8 / Stopwatch.GetElapsedTime(started).TotalSeconds / 1e9);
        }

        return best;
    }

    /// <summary>
    /// The same copy loop with the receiver in a child process (<c>raw-sink</c> mode), like the perf pairs: the
    /// ceiling for separate processes. Timed until the sink has read everything and acknowledged.
    /// </summary>
    private static async Task<double> RawTcpProcessesAsync(long bytes)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true };
        info.ArgumentList.Add(typeof(PerfMatrix).Assembly.Location);
        info.ArgumentList.Add("raw-sink");
        using var sink = Process.Start(info)!;
        try
        {
            var port = int.Parse((await sink.StandardOutput.ReadLineAsync())!, CultureInfo.InvariantCulture);
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            var block = new byte[RawBlockSize];
            var started = Stopwatch.GetTimestamp();
            for (long sent = 0; sent < bytes; sent += block.Length)
            {
                await client.SendAsync(block);
            }

            client.Shutdown(SocketShutdown.Send);
            await client.ReceiveAsync(new byte[1]);
            return bytes * 8 / Stopwatch.GetElapsedTime(started).TotalSeconds / 1e9;
        }
        finally
        {
            sink.Kill();
        }
    }

    /// <summary>raw-sink mode: prints its port, reads one connection to its end, acknowledges with one byte.</summary>
    public static async Task<int> RawSinkAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        Console.WriteLine(((IPEndPoint)listener.LocalEndPoint!).Port);
        using var server = await listener.AcceptAsync();
        var buffer = new byte[RawBlockSize];
        while (await server.ReceiveAsync(buffer) > 0)
        {
        }

        await server.SendAsync(new byte[1]);
        return 0;
    }
}
