// Spec: docs/tree-protocol.md (the tree), docs/signal-protocol.md (the embedded signalling server)
using Casto.Discovery.Signal;
using Casto.Relay.Tree;
using Casto.Stack.Multiaddrs;

namespace Casto.Relay.Demo;

/// <summary>
/// The embedded local demo, all in this process on 127.0.0.1: a star signalling server, a broadcaster of the built-in
/// VP8 clip at the root of a relay tree, relays, and viewers that join the tree (and relay to each other). With
/// <see cref="LocalDemoOptions.Chaos"/> relays are killed or stopped during the run and replaced; the reports show the
/// viewers' recoveries.
/// </summary>
public static partial class LocalDemo
{
    /// <summary>Runs the demo; <paramref name="report"/> gets the start line, then every interval a <see cref="DemoTreeStatus"/> and a <see cref="DemoViewerStatus"/> per viewer, and <see cref="DemoChaosEvent"/>s.</summary>
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
            var root = await Broadcaster.StartAsync(options, run.Token).ConfigureAwait(false);
            await using (root.ConfigureAwait(false))
            {
                await report(new DemoStart(server.Addresses[0].ToString(), options.Room, root.Peer.PeerId.ToString())).ConfigureAwait(false);
                var relays = new List<TreePeer>();
                var viewers = new List<Viewer>();
                try
                {
                    for (int i = 0; i < options.Relays; i++)
                    {
                        relays.Add(await StartRelayAsync(options, root, run.Token).ConfigureAwait(false));
                    }

                    for (int i = 1; i <= options.Viewers; i++)
                    {
                        viewers.Add(await Viewer.StartAsync(i, options, root.Candidate, run.Token).ConfigureAwait(false));
                    }

                    await ReportUntilDoneAsync(options, root, relays, viewers, report, run.Token).ConfigureAwait(false);
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

                    foreach (var relay in relays)
                    {
                        await relay.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private static TreePeerOptions PeerOptions(LocalDemoOptions options) => new() { Tree = new TreeNodeOptions { MaxChildren = options.FanOut } };

    private static async Task<TreePeer> StartRelayAsync(LocalDemoOptions options, Broadcaster root, CancellationToken cancellationToken)
    {
        var relay = await TreePeer.StartAsync(PeerOptions(options), cancellationToken).ConfigureAwait(false);
        relay.Tree.Join(options.Room, [root.Candidate]);
        return relay;
    }

    private static async Task ReportUntilDoneAsync(
        LocalDemoOptions options, Broadcaster root, List<TreePeer> relays, List<Viewer> viewers, Func<object, Task> report, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.ReportInterval);
        long nextChaos = Environment.TickCount64 + (long)options.ChaosInterval.TotalMilliseconds;
        int chaosCount = 0;
        int recoveriesOfGone = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (options.Chaos && relays.Count > 0 && Environment.TickCount64 >= nextChaos)
            {
                nextChaos = Environment.TickCount64 + (long)options.ChaosInterval.TotalMilliseconds;
                TreePeer victim = relays[Random.Shared.Next(relays.Count)];
                relays.Remove(victim);
                recoveriesOfGone += victim.Tree.GetStatus(options.Room)?.Recoveries.Count ?? 0;
                bool leave = chaosCount++ % 2 == 1;
                await report(new DemoChaosEvent(leave ? "left" : "killed", victim.PeerId.ToString())).ConfigureAwait(false);
                if (leave)
                {
                    await victim.Tree.LeaveAsync(cancellationToken).ConfigureAwait(false);
                }

                await victim.DisposeAsync().ConfigureAwait(false);
                relays.Add(await StartRelayAsync(options, root, cancellationToken).ConfigureAwait(false));
            }

            int recoveries = recoveriesOfGone + relays.Sum(r => r.Tree.GetStatus(options.Room)?.Recoveries.Count ?? 0) + viewers.Sum(v => v.RecoveryCount);
            await report(root.Status(relays.Count, recoveries)).ConfigureAwait(false);
            foreach (var viewer in viewers)
            {
                await report(viewer.Status).ConfigureAwait(false);
            }
        }
    }
}
