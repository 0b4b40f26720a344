namespace Casto.LoadGen;

/// <summary>What is sampled at the start and at the end of the window: the forwarder, this generator, the machine.</summary>
internal sealed record WindowProbe(
    ProcSample? Forwarder, ProcSample? Self, UdpSockets? ForwarderUdp, UdpSockets? SelfUdp, (long Busy, long Total)? MachineCpu,
    long QueuedPackets, long IceQueueFull, long IceQueued)
{
    public static WindowProbe Take(int pid, IReadOnlyList<Subscriber> subscribers)
    {
        long queued = 0, iceQueueFull = 0, iceQueued = 0;
        foreach (var subscriber in subscribers)
        {
            queued += subscriber.Queued;
            if (subscriber.IceBacklog is { } ice)
            {
                iceQueueFull += ice.QueueFull;
                iceQueued += ice.Queued;
            }
        }

        return new(
            pid > 0 ? ProcSample.TryRead(pid) : null,
            ProcSample.TryRead(Environment.ProcessId),
            pid > 0 ? UdpSockets.TryRead(pid) : null,
            UdpSockets.TryRead(Environment.ProcessId),
            UdpSockets.TryReadMachineCpu(),
            queued,
            iceQueueFull,
            iceQueued);
    }

    /// <summary>Busy share of all cores between two probes (other engineers' builds included), in percent.</summary>
    public static double? MachineBusyPercent(WindowProbe start, WindowProbe end) =>
        start.MachineCpu is { } s && end.MachineCpu is { } e && e.Total > s.Total ? 100.0 * (e.Busy - s.Busy) / (e.Total - s.Total) : null;
}
