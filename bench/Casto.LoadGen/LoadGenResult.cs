using System.Text.Json;

namespace Casto.LoadGen;

/// <summary>The JSON line of one run (see bench/forwarder/README.md for the fields).</summary>
internal sealed class LoadGenResult
{
    private readonly List<(string Name, object? Value)> _fields = [];

    public static LoadGenResult From(
        LoadGenOptions options, Publisher publisher, IReadOnlyList<Subscriber> subscribers, int failed, string? firstError, double joinSeconds,
        ProcSample? publisherOnly, ProcSample? forwarderStart, ProcSample? forwarderEnd, ProcSample? selfStart, ProcSample? selfEnd)
    {
        var delays = new DelayHistogram();
        long received = 0;
        long nacksSent = 0;
        long undecryptable = 0;
        foreach (var subscriber in subscribers)
        {
            delays.Add(subscriber.Delays);
            received += subscriber.Distinct;
            var stats = subscriber.GetStats();
            nacksSent += stats.NacksSent;
            undecryptable += stats.UndecryptablePackets;
        }

        long sent = publisher.WindowPackets;
        long expected = sent * subscribers.Count;
        double? cpu = forwarderStart is { } fs && forwarderEnd is { } fe ? ProcSample.CpuPercent(fs, fe) : null;
        double? selfCpu = selfStart is { } ss && selfEnd is { } se ? ProcSample.CpuPercent(ss, se) : null;
        double? rss = forwarderEnd?.RssMb;
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
            .Add("rssMb", Round(rss, 1))
            .Add("rssPerSubscriberMb", rss is { } r && publisherOnly is { } p ? Round((r - p.RssMb) / options.Subscribers, 3) : null)
            .Add("packetsSent", sent)
            .Add("packetsExpected", expected)
            .Add("packetsReceived", received)
            .Add("generatorCpuPercent", Round(selfCpu, 1))
            .Add("rssPublisherOnlyMb", Round(publisherOnly?.RssMb, 1))
            .Add("rssWindowStartMb", Round(forwarderStart?.RssMb, 1))
            .Add("delayP999Ms", Round(delays.PercentileMs(0.999), 2))
            .Add("windowSeconds", options.Seconds)
            .Add("joinSeconds", Round(joinSeconds, 2))
            .Add("joinFailed", failed)
            .Add("firstJoinError", firstError)
            .Add("subscriberNacksSent", nacksSent)
            .Add("subscriberUndecryptable", undecryptable)
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
