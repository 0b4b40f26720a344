using System.Text.Json;

namespace Casto.LoadGen;

/// <summary>The JSON line of one run (see bench/forwarder/README.md for the fields).</summary>
internal sealed class LoadGenResult
{
    private readonly List<(string Name, object? Value)> _fields = [];

    public static LoadGenResult From(
        LoadGenOptions options, Publisher publisher, IReadOnlyList<Subscriber> subscribers, (int Failed, string? FirstError, double Seconds) join,
        ProcSample? publisherOnly, WindowProbe start, WindowProbe end, (ForwarderMetrics? Start, ForwarderMetrics? End) metrics)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        var delays = new DelayHistogram();
        long received = 0;
        long nacksSent = 0;
        long undecryptable = 0;
        long replayed = 0;
        long authFailed = 0;
        foreach (var subscriber in subscribers)
        {
            delays.Add(subscriber.Delays);
            received += subscriber.Distinct;
            var stats = subscriber.GetStats();
            nacksSent += stats.NacksSent;
            undecryptable += stats.UndecryptablePackets;
            replayed += subscriber.SrtpDrops?.Replayed ?? 0;
            authFailed += subscriber.SrtpDrops?.AuthenticationFailed ?? 0;
        }

        long sent = publisher.WindowPackets;
        long expected = sent * subscribers.Count;
        double? cpu = start.Forwarder is { } fs && end.Forwarder is { } fe ? ProcSample.CpuPercent(fs, fe) : null;
        double? selfCpu = start.Self is { } ss && end.Self is { } se ? ProcSample.CpuPercent(ss, se) : null;
        double? rss = end.Forwarder?.RssMb;
        var publisherStats = publisher.GetStats();
        var result = new LoadGenResult();
        result.Add("server", options.Server)
            .Add("subscribers", options.Subscribers)
            .Add("connected", subscribers.Count)
            .Add("forwarderCpuPercent", Round(cpu, 1))
            .Add("subscribersPerCore", cpu > 0 ? Round(options.Subscribers / (cpu / 100), 0) : null)
            .Add("lossPercent", expected > 0 ? Round(100.0 * (expected - received) / expected, 3) : null)
            .Add("delayP50Ms", Round(delays.PercentileMs(0.50), 2))
            .Add("delayP99Ms", Round(delays.PercentileMs(0.99), 2))
            .Add("forwardDelayP50Ms", Round(ForwarderMetrics.PercentileMs(metrics.Start, metrics.End, 0.50), 3))
            .Add("forwardDelayP99Ms", Round(ForwarderMetrics.PercentileMs(metrics.Start, metrics.End, 0.99), 3))
            .Add("rssMb", Round(rss, 1))
            .Add("rssPerSubscriberMb", rss is { } r && publisherOnly is { } p ? Round((r - p.RssMb) / options.Subscribers, 3) : null)
            .Add("packetsSent", sent)
            .Add("packetsExpected", expected)
            .Add("packetsReceived", received)
            .Add("generatorCpuPercent", Round(selfCpu, 1))
            .Add("rssPublisherOnlyMb", Round(publisherOnly?.RssMb, 1))
            .Add("rssWindowStartMb", Round(start.Forwarder?.RssMb, 1))
            .Add("machineBusyPercent", Round(WindowProbe.MachineBusyPercent(start, end), 1))
            .Add("forwarderUdpDrops", end.ForwarderUdp?.Drops - start.ForwarderUdp?.Drops)
            .Add("generatorUdpDrops", end.SelfUdp?.Drops - start.SelfUdp?.Drops)
            .Add("generatorUdpQueuedBytes", end.SelfUdp?.RxQueueBytes)
            .Add("generatorUdpSockets", end.SelfUdp?.Sockets)
            .Add("generatorQueuedPackets", end.QueuedPackets + end.IceQueued)
            .Add("generatorIceQueueDrops", end.IceQueueFull - start.IceQueueFull)
            .Add("delayP999Ms", Round(delays.PercentileMs(0.999), 2))
            .Add("windowSeconds", options.Seconds)
            .Add("joinSeconds", Round(join.Seconds, 2))
            .Add("joinFailed", join.Failed)
            .Add("firstJoinError", join.FirstError)
            .Add("subscriberNacksSent", nacksSent)
            .Add("subscriberUndecryptable", undecryptable)
            .Add("subscriberSrtpReplayed", replayed)
            .Add("subscriberSrtpAuthFailed", authFailed)
            .Add("publisherRetransmits", publisherStats.RetransmittedPackets)
            .Add("publisherPlisReceived", publisherStats.PlisReceived)
            .Add("publisherLateFrames", publisher.LateFrames);
        return result;
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _fields)
            {
                switch (value)
                {
                    case null:
                        writer.WriteNull(name);
                        break;
                    case string s:
                        writer.WriteString(name, s);
                        break;
                    case int i:
                        writer.WriteNumber(name, i);
                        break;
                    case long l:
                        writer.WriteNumber(name, l);
                        break;
                    case double d:
                        writer.WriteNumber(name, d);
                        break;
                    default:
                        throw new InvalidOperationException($"Unsupported JSON value for {name}.");
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double? Round(double? value, int digits) => value is { } v && double.IsFinite(v) ? Math.Round(v, digits) : null;

    private LoadGenResult Add(string name, object? value)
    {
        _fields.Add((name, value));
        return this;
    }
}
