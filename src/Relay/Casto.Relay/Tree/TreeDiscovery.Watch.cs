using Casto.Discovery.Signal;

namespace Casto.Relay.Tree;

public sealed partial class TreeDiscovery
{
    /// <summary>Signal rooms: a member joining the room of a stream we announced is a candidate for it.</summary>
    private async Task WatchAsync(SignalClient client, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (SignalEvent e in client.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (e.Kind == SignalEventKind.PeerJoined && e.Room is { } room)
                {
                    Publish(room, [new TreeCandidate(e.Peer, e.Addrs)]);
                }
                else if (e.Kind == SignalEventKind.RoomOpened && e.Room is { } opened)
                {
                    Action<string>? handler;
                    lock (_lock)
                    {
                        handler = _opened;
                    }

                    handler?.Invoke(opened);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Leaves every room (the signal connections close), says goodbye on mDNS and stops the DHT.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_mdns is not null)
        {
            await _mdns.DisposeAsync().ConfigureAwait(false); // its goodbye
        }

        Task[] watchers;
        lock (_lock)
        {
            watchers = [.. _watchers];
        }

        await Task.WhenAll(watchers).ConfigureAwait(false);
        await StopDhtAsync().ConfigureAwait(false);

        // The signal connections are the peer's signal transport's (its tunnels may still be in use): leave the rooms.
        foreach (var s in _signals)
        {
            foreach (string stream in AnnouncedStreams())
            {
                try
                {
                    await s.LeaveAsync(stream, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SignalException or TimeoutException or ObjectDisposedException)
                {
                }
            }
        }

        _stop.Dispose();
    }
}
