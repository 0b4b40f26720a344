// Spec: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
using System.Globalization;
using System.Text;
using Casto.Relay.Forwarding;

namespace Casto.Relay.Http;

/// <summary>Prometheus text exposition (version 0.0.4): <c># HELP</c>, <c># TYPE</c>, then <c>name{labels} value</c> lines.</summary>
public static class PrometheusText
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Writes one metric family header.</summary>
    public static void Family(StringBuilder b, string name, string type, string help)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        b.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>Writes one sample with a <c>stream</c> label (and optionally a <c>track</c> label).</summary>
    public static void Sample(StringBuilder b, string name, string stream, double value, string? track = null)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Append(name).Append("{stream=\"").Append(Escape(stream)).Append('"');
        if (track is not null)
        {
            b.Append(",track=\"").Append(track).Append('"');
        }

        b.Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>The forwarding node's counters, per stream and track.</summary>
    public static void WriteForwarding(StringBuilder b, IReadOnlyList<ForwardedStreamStats> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        Family(b, "casto_stream_subscribers", "gauge", "Children (WHEP viewers and tree children) of the stream.");
        foreach (var s in streams)
        {
            Sample(b, "casto_stream_subscribers", s.Name, s.Video.Subscribers);
        }

        Family(b, "casto_stream_has_source", "gauge", "1 while the stream has a publisher or parent.");
        foreach (var s in streams)
        {
            Sample(b, "casto_stream_has_source", s.Name, s.HasSource ? 1 : 0);
        }

        WriteTrackCounter(b, streams, "casto_stream_packets_in_total", "RTP packets received from the source.", t => t.PacketsIn);
        WriteTrackCounter(b, streams, "casto_stream_bytes_in_total", "RTP bytes received from the source.", t => t.BytesIn);
        WriteTrackCounter(b, streams, "casto_stream_packets_out_total", "RTP packets sent to children (retransmissions excluded).", t => t.PacketsOut);
        WriteTrackCounter(b, streams, "casto_stream_nacked_packets_total", "Sequence numbers children asked for in NACKs.", t => t.NackedPackets);
        WriteTrackCounter(b, streams, "casto_stream_retransmissions_total", "NACKed packets resent from the shared history.", t => t.Retransmissions);
        WriteTrackCounter(b, streams, "casto_stream_keyframe_requests_sent_total", "Key frame requests (PLI) sent to the source.", t => t.KeyFrameRequestsSent);
        WriteTrackCounter(b, streams, "casto_stream_send_drops_total", "Packets not sent to a child (not connected, or refused by the kernel).", t => t.SendDrops);
        WriteTrackCounter(b, streams, "casto_stream_frames_lost_total", "Upstream packets dropped as stale, malformed or too large.", t => t.StalePackets + t.Malformed);
        WriteForwardDelay(b, streams);
    }

    /// <summary>The node's added latency per child copy (<see cref="ForwardDelayHistogram"/>), as a histogram in seconds.</summary>
    private static void WriteForwardDelay(StringBuilder b, IReadOnlyList<ForwardedStreamStats> streams)
    {
        const string name = "casto_stream_forward_delay_seconds";
        Family(b, name, "histogram", "From a packet's arrival to its copies' send, per child copy (until the last copy left).");
        foreach (var s in streams)
        {
            foreach (var (track, h) in new[] { ("video", s.Video.ForwardDelay), ("audio", s.Audio.ForwardDelay) })
            {
                long cumulative = 0;
                for (int i = 0; i < ForwardDelayHistogram.BucketCount; i++)
                {
                    cumulative += h.Counts[i];
                    double le = ForwardDelayHistogram.UpperBoundMicros(i) / 1e6;
                    b.Append(name).Append("_bucket{stream=\"").Append(Escape(s.Name)).Append("\",track=\"").Append(track)
                        .Append("\",le=\"").Append(double.IsPositiveInfinity(le) ? "+Inf" : le.ToString("0.##########", CultureInfo.InvariantCulture))
                        .Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                Sample(b, name + "_sum", s.Name, h.SumMicros / 1e6, track);
                Sample(b, name + "_count", s.Name, h.Count, track);
            }
        }
    }

    private static void WriteTrackCounter(StringBuilder b, IReadOnlyList<ForwardedStreamStats> streams, string name, string help, Func<ForwardingTrackStats, long> value)
    {
        Family(b, name, "counter", help);
        foreach (var s in streams)
        {
            Sample(b, name, s.Name, value(s.Video), "video");
            Sample(b, name, s.Name, value(s.Audio), "audio");
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
