// A stream on the LAN with no server at all: peers find each other with mDNS. Run `-- publish` on one machine (it
// broadcasts the built-in clip as the stream "casto"), and the plain command on others: each watches it and relays it
// to two more. Every peer listens on the machine's LAN address; UDP 5353 (mDNS) must be allowed.
using Casto.Sdk;

if (args is ["publish", ..])
{
    await using CastoPublisher publisher = await new CastoClient().PublishAsync(CastoSource.BuiltInClip);
    Console.WriteLine($"on the LAN as {publisher.PeerId} ({string.Join(", ", publisher.Addresses)}); Ctrl-C stops");
    await Task.Delay(Timeout.Infinite);
}

var casto = new CastoClient();                            // the stream "casto", found on the LAN
await using CastoMedia media = await casto.StartAsync();  // first frame in hand

while (!media.Completion.IsCompleted)
{
    CastoStats s = media.Stats;
    Console.WriteLine($"{s.Fps} fps, depth {s.Depth}, parent {s.Parent}, children {s.Children}");
    await Task.WhenAny(media.Completion, Task.Delay(1000));
}
