// Spec: https://www.rfc-editor.org/rfc/rfc8829 (offer/answer, carried over the star signalling protocol: docs/signal-protocol.md)
using Casto.Discovery.Signal;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.WebRtc.Media;

namespace Casto.Relay.Demo;

/// <summary>
/// The embedded local demo: a star signalling server, a broadcaster playing the built-in VP8 clip and a few viewers, all
/// in this process on 127.0.0.1. Viewers join the broadcaster's room, send it a WebRTC offer through the signalling
/// server and watch. (Until the relay tree lands every viewer connects to the broadcaster directly.)
/// </summary>
public static partial class LocalDemo
{
    /// <summary>Runs the demo; <paramref name="report"/> gets the signalling address, then viewer statuses every interval.</summary>
    public static async Task RunAsync(LocalDemoOptions options, Func<object, Task> report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        options.Validate();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Duration is { } duration)
        {
            run.CancelAfter(duration);
        }

        var server = await SignalServer.StartAsync(null, Multiaddr.Parse("/ip4/127.0.0.1/tcp/0/ws"), cancellationToken: run.Token).ConfigureAwait(false);
        await using (server.ConfigureAwait(false))
        {
            var clip = await MediaSources.LoadDefaultVp8Async(run.Token).ConfigureAwait(false);
            using var broadcasterKey = PrivateKey.Generate();
            var broadcaster = new Broadcaster(await SignalClient.ConnectAsync(server.Addresses[0], broadcasterKey, cancellationToken: run.Token).ConfigureAwait(false), clip);
            await using (broadcaster.ConfigureAwait(false))
            {
                await broadcaster.StartAsync(options.Room, run.Token).ConfigureAwait(false);
                await report(new { signal = server.Addresses[0].ToString(), room = options.Room, broadcaster = broadcasterKey.PeerId.ToString() }).ConfigureAwait(false);
                await WatchAsync(options, server.Addresses[0], broadcasterKey.PeerId, report, run).ConfigureAwait(false);
            }
        }
    }

    private static async Task WatchAsync(LocalDemoOptions options, Multiaddr signal, PeerId broadcaster, Func<object, Task> report, CancellationTokenSource run)
    {
        var viewers = new List<Viewer>();
        try
        {
            for (int i = 1; i <= options.Viewers; i++)
            {
                viewers.Add(await Viewer.StartAsync(i, signal, options.Room, broadcaster, run.Token).ConfigureAwait(false));
            }

            using var timer = new PeriodicTimer(options.ReportInterval);
            while (await timer.WaitForNextTickAsync(run.Token).ConfigureAwait(false))
            {
                foreach (var viewer in viewers)
                {
                    await report(viewer.Status).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await report(viewer.Status).ConfigureAwait(false);
                await viewer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
