using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;

namespace Casto.Benchmarks;

/// <summary>
/// The star signal server under 1,000 WebSocket clients in one process (server embedded, loopback):
/// connect + register, join latency (reply and the peer-joined event at another member), leave latency
/// (peer-left at another member), and relay rate (signal + ack, pairs of clients, a window of requests each).
/// Usage: dotnet run -c Release --project bench/Casto.Benchmarks -- signal [CLIENTS] [ROOM_SIZE] [MESSAGES_PER_CLIENT] [WINDOW]
/// </summary>
internal static class SignalBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = Arg(args, 1, 1000);
        var roomSize = Arg(args, 2, 10);
        var messages = Arg(args, 3, 200);
        var window = Arg(args, 4, 16);
        Console.WriteLine($"# signal bench: {clients} clients, rooms of {roomSize}, {messages} signals per client, window {window}; "
            + $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        var options = new SignalServerOptions
        {
            MaxPendingConnections = clients, MaxConnectionsPerAddress = clients, MaxPeersPerRoom = Math.Max(roomSize, 1),
            MessagesPerSecond = 1e6, MessageBurst = 1_000_000, SendQueueCapacity = 8192,
        };
        await using var server = await SignalServer.StartAsync(options, Multiaddr.Parse("/ip4/127.0.0.1/tcp/0/ws"));
        var keys = Enumerable.Range(0, clients).Select(_ => PrivateKey.Generate()).ToArray();
        var peers = new SignalClient[clients];
        var clientOptions = new SignalClientOptions { RequestTimeout = TimeSpan.FromSeconds(60), EventCapacity = 1 << 16 };

        var connect = new double[clients];
        var total = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, clients), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var start = Stopwatch.GetTimestamp();
            peers[i] = await SignalClient.ConnectAsync(server.Addresses[0], keys[i], clientOptions, ct);
            connect[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        });
        Report("connect + register (32 at a time)", connect, $"all {clients} in {total.Elapsed.TotalSeconds:0.00} s");

        var seen = new ConcurrentDictionary<(int Observer, SignalEventKind Kind, PeerId Peer), long>();
        var received = 0L;
        var readers = peers.Select((p, i) => Task.Run(async () =>
        {
            await foreach (var e in p.Events.ReadAllAsync())
            {
                if (e.Kind == SignalEventKind.Signal)
                {
                    Interlocked.Increment(ref received);
                }
                else if (i % roomSize == 0)
                {
                    seen[(i, e.Kind, e.Peer)] = Stopwatch.GetTimestamp();
                }
            }
        })).ToArray();

        // Join: one at a time with every other client connected, so each number is a latency, not a queue.
        var joinReply = new double[clients];
        var joinEvent = new List<double>();
        var joinStart = new long[clients];
        for (var i = 0; i < clients; i++)
        {
            joinStart[i] = Stopwatch.GetTimestamp();
            await peers[i].JoinAsync(Room(i, roomSize), [Multiaddr.Parse("/ip4/127.0.0.1/udp/9/webrtc-direct")]);
            joinReply[i] = Stopwatch.GetElapsedTime(joinStart[i]).TotalMilliseconds;
        }

        await WaitAsync(() => Enumerable.Range(0, clients).All(i => i % roomSize == 0 || seen.ContainsKey((First(i, roomSize), SignalEventKind.PeerJoined, keys[i].PeerId))));
        for (var i = 0; i < clients; i++)
        {
            if (i % roomSize != 0)
            {
                joinEvent.Add(Stopwatch.GetElapsedTime(joinStart[i], seen[(First(i, roomSize), SignalEventKind.PeerJoined, keys[i].PeerId)]).TotalMilliseconds);
            }
        }

        Report("join → joined reply", joinReply, "one join at a time");
        Report("join → peer-joined at the room's first member", [.. joinEvent], $"room fan-out up to {roomSize - 1}");

        // Relay: client i sends to its partner i ^ 1, `window` signals in flight each, every signal acknowledged.
        var payload = new string('c', 200);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var relay = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients - (clients % 2)).Select(i => Task.Run(async () =>
        {
            var target = keys[i ^ 1].PeerId;
            using var slots = new SemaphoreSlim(window);
            var sends = new List<Task>(messages);
            for (var m = 0; m < messages; m++)
            {
                await slots.WaitAsync();
                sends.Add(SendAsync(peers[i], target, payload, slots));
            }

            await Task.WhenAll(sends);
        })));
        var expected = (long)(clients - (clients % 2)) * messages;
        await WaitAsync(() => Interlocked.Read(ref received) >= expected);
        relay.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Console.WriteLine($"| relay (signal + ack, 200-byte data, {clients} senders, window {window}) | {expected / relay.Elapsed.TotalSeconds:N0} messages/s | {expected} in {relay.Elapsed.TotalSeconds:0.00} s; "
            + $"CPU {cpu.TotalMicroseconds / expected:0.0} µs per signal (clients + server) |");

        // Leave: one at a time; latency until the room's first member sees peer-left.
        var leaveEvent = new List<double>();
        for (var i = 0; i < clients; i++)
        {
            if (i % roomSize == 0)
            {
                continue;
            }

            var start = Stopwatch.GetTimestamp();
            await peers[i].LeaveAsync(Room(i, roomSize));
            var key = (First(i, roomSize), SignalEventKind.PeerLeft, keys[i].PeerId);
            await WaitAsync(() => seen.ContainsKey(key));
            leaveEvent.Add(Stopwatch.GetElapsedTime(start, seen[key]).TotalMilliseconds);
        }

        Report("leave → peer-left at the room's first member", [.. leaveEvent], "one leave at a time");
        Console.WriteLine($"| server process | {Environment.WorkingSet / (1024 * 1024)} MiB working set | GC heap {GC.GetTotalMemory(false) / (1024 * 1024)} MiB, {clients} clients + server in one process |");

        foreach (var peer in peers)
        {
            await peer.DisposeAsync();
        }

        await Task.WhenAll(readers);
        foreach (var key in keys)
        {
            key.Dispose();
        }

        return 0;
    }

    private static async Task SendAsync(SignalClient client, PeerId target, string payload, SemaphoreSlim slots)
    {
        try
        {
            await client.SendAsync(target, SignalKind.Candidate, payload);
        }
        finally
        {
            slots.Release();
        }
    }

    private static string Room(int i, int roomSize) => "room-" + (i / roomSize).ToString(CultureInfo.InvariantCulture);

    private static int First(int i, int roomSize) => i / roomSize * roomSize;

    private static int Arg(string[] args, int position, int fallback) =>
        args.Length > position ? int.Parse(args[position], CultureInfo.InvariantCulture) : fallback;

    private static async Task WaitAsync(Func<bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException("the signal bench did not see the expected events");
            }

            await Task.Delay(1);
        }
    }

    private static void Report(string name, double[] values, string note)
    {
        var sorted = values.Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];
        Console.WriteLine($"| {name} | p50 {P(0.5):0.00} ms, p99 {P(0.99):0.00} ms, max {sorted[^1]:0.00} ms | {note} |");
    }
}
