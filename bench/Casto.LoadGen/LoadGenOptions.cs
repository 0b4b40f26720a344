using System.Globalization;

namespace Casto.LoadGen;

/// <summary>Command line of the load generator; every URL must point at a loopback address.</summary>
internal sealed class LoadGenOptions
{
    public const string Usage =
        "usage: Casto.LoadGen --whip URL --whep URL [--subscribers N=10] [--seconds S=10] [--warmup S=3] [--pid PID] [--server NAME=casto]\n" +
        "                     [--bitrate BPS=2500000] [--fps 30] [--parallel 16] [--grace S=3]\n" +
        "                     [--metrics URL (the forwarder's Prometheus /metrics, for its own added latency)]";

    public required Uri Whip { get; init; }

    public required Uri Whep { get; init; }

    public int Subscribers { get; init; } = 10;

    public double Seconds { get; init; } = 10;

    public double WarmupSeconds { get; init; } = 3;

    /// <summary>The forwarder's process id, sampled for CPU and RSS; 0 skips sampling.</summary>
    public int Pid { get; init; }

    /// <summary>The forwarder's <c>/metrics</c> (casto), scraped at the window's start and end; null skips it.</summary>
    public Uri? Metrics { get; init; }

    public string Server { get; init; } = "casto";

    public int Bitrate { get; init; } = 2_500_000;

    public int Fps { get; init; } = 30;

    /// <summary>Subscribers that are joining at the same time.</summary>
    public int Parallel { get; init; } = 16;

    /// <summary>After the window, how long late packets (and retransmissions) may still arrive.</summary>
    public double GraceSeconds { get; init; } = 3;

    public static LoadGenOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            }

            values[args[i][2..]] = args[++i];
        }

        string Take(string name, string? fallback = null)
        {
            if (values.Remove(name, out var value))
            {
                return value;
            }

            return fallback ?? throw new ArgumentException($"--{name} is required.");
        }

        var options = new LoadGenOptions
        {
            Whip = Loopback(Take("whip")),
            Whep = Loopback(Take("whep")),
            Subscribers = int.Parse(Take("subscribers", "10"), CultureInfo.InvariantCulture),
            Seconds = double.Parse(Take("seconds", "10"), CultureInfo.InvariantCulture),
            WarmupSeconds = double.Parse(Take("warmup", "3"), CultureInfo.InvariantCulture),
            Pid = int.Parse(Take("pid", "0"), CultureInfo.InvariantCulture),
            Metrics = Take("metrics", "") is { Length: > 0 } metrics ? Loopback(metrics) : null,
            Server = Take("server", "casto"),
            Bitrate = int.Parse(Take("bitrate", "2500000"), CultureInfo.InvariantCulture),
            Fps = int.Parse(Take("fps", "30"), CultureInfo.InvariantCulture),
            Parallel = int.Parse(Take("parallel", "16"), CultureInfo.InvariantCulture),
            GraceSeconds = double.Parse(Take("grace", "3"), CultureInfo.InvariantCulture),
        };
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option --{values.Keys.First()}.");
        }

        options.Validate();
        return options;
    }

    private void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Subscribers, 1, "--subscribers");
        ArgumentOutOfRangeException.ThrowIfLessThan(Seconds, 1, "--seconds");
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupSeconds, "--warmup");
        ArgumentOutOfRangeException.ThrowIfLessThan(Bitrate, 100_000, "--bitrate");
        ArgumentOutOfRangeException.ThrowIfLessThan(Fps, 1, "--fps");
        ArgumentOutOfRangeException.ThrowIfLessThan(Parallel, 1, "--parallel");
        ArgumentOutOfRangeException.ThrowIfNegative(GraceSeconds, "--grace");

        // Send times live in a 65,536-entry array by sequence number: a window must not wrap it.
        double packetsPerSecond = Bitrate / 8.0 / 1000 * 1.1;
        if (Seconds * packetsPerSecond > 60_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Seconds), Seconds, "--seconds is too long for 65,536 sequence numbers at this bitrate.");
        }
    }

    private static Uri Loopback(string text)
    {
        var uri = new Uri(text, UriKind.Absolute);
        if (!uri.IsLoopback)
        {
            throw new ArgumentException($"'{text}' is not a loopback address; the benchmark only talks to 127.0.0.1.");
        }

        return uri;
    }
}
