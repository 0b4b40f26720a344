// The two-line viewer: joins STREAM (found with mDNS on the LAN, or through the bootstrap peers given after it, such as
// the address the Publisher example prints), relays it to up to two others, and prints its frames and stats.
//   dotnet run --project examples/Viewer -- show /ip4/127.0.0.1/tcp/40123/p2p/12D3KooW…
using Casto.Sdk;

var options = new CastoOptions { Stream = args.Length > 0 ? args[0] : "casto" };
foreach (string peer in args.Skip(1))
{
    options.BootstrapPeers.Add(peer);
    options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0"); // a bootstrap peer on this machine: stay on loopback
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

var casto = new CastoClient(options);
await using CastoMedia media = await casto.StartAsync(stop.Token);

media.ParentChanged += (_, _) => Console.WriteLine($"parent changed: now {media.Stats.Parent ?? "(looking)"}");
media.Ended += (_, _) => Console.WriteLine("the stream ended");
long keyframes = 0;
var lastReport = DateTime.UtcNow;
try
{
    await foreach (CastoFrame frame in media.ReadFramesAsync(stop.Token))
    {
        using (frame)
        {
            keyframes += frame.IsKeyframe ? 1 : 0;
        }

        if (DateTime.UtcNow - lastReport >= TimeSpan.FromSeconds(1))
        {
            lastReport = DateTime.UtcNow;
            CastoStats s = media.Stats;
            Console.WriteLine($"{s.Stream}: {s.Frames} frames ({keyframes} key), {s.Fps} fps, depth {s.Depth}, parent {s.Parent}, latency {s.LatencyMs?.ToString("0.0") ?? "?"} ms, lost {s.FramesLost}");
        }
    }
}
catch (OperationCanceledException)
{
}
