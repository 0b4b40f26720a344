// Publishes STREAM as the root of its relay tree, announced on the LAN (mDNS), and prints where viewers can join.
//   dotnet run --project examples/Publisher -- show                 the built-in clip
//   dotnet run --project examples/Publisher -- show video.ivf       a VP8 IVF or H.264 Annex-B file, looped
//   dotnet run --project examples/Publisher -- show rtp:5004        RTP from: ffmpeg -re -i in.mp4 -an -c:v libvpx -deadline realtime -g 30 -f rtp rtp://127.0.0.1:5004
//   dotnet run --project examples/Publisher -- show whip:127.0.0.1:8080   WHIP ingest (OBS: Settings > Stream > WHIP)
using System.Net;
using Casto.Sdk;

string stream = args.Length > 0 ? args[0] : "casto";
string what = args.Length > 1 ? args[1] : "clip";
CastoSource source = what switch
{
    "clip" => CastoSource.BuiltInClip,
    _ when what.StartsWith("rtp:", StringComparison.Ordinal) => CastoSource.Rtp(int.Parse(what[4..], System.Globalization.CultureInfo.InvariantCulture)),
    _ when what.StartsWith("whip:", StringComparison.Ordinal) => CastoSource.Whip(IPEndPoint.Parse(what[5..])),
    _ => CastoSource.File(what),
};

var options = new CastoOptions { Stream = stream, MaxChildren = 4 };
options.ListenAddresses.Add("/ip4/127.0.0.1/tcp/0"); // drop this line to listen on the LAN address (mDNS then reaches other machines)
var casto = new CastoClient(options);
try
{
    await using CastoPublisher publisher = await casto.PublishAsync(source);
    Console.WriteLine($"publishing '{publisher.Stream}' as {publisher.PeerId}");
    foreach (string address in publisher.Addresses)
    {
        Console.WriteLine($"  viewers: dotnet run --project examples/Viewer -- {stream} {address}");
    }

    if (publisher.WhipUrl is { } whip)
    {
        Console.WriteLine($"  encoder: POST your WHIP offer to {whip}");
    }

    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
    while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
    {
        Console.WriteLine($"children {publisher.Children}, packets in {publisher.PacketsIn}");
    }
}
catch (CastoException ex)
{
    Console.Error.WriteLine($"{ex.Error}: {ex.Message}");
    return 1;
}
catch (OperationCanceledException)
{
}

return 0;
