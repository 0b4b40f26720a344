// Spec: https://www.rfc-editor.org/rfc/rfc3550#appendix-A.3 (expected/lost packets), §A.8 (interarrival jitter),
//       https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1 (LSR/DLSR)
using Casto.WebRtc.Nack;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Rtcp;

/// <summary>
/// Reception state of one remote SSRC: packet/byte counts, RFC 3550 loss and jitter for our report blocks, the
/// last SR for LSR/DLSR, and the <see cref="NackGenerator"/> fed per packet. Not thread-safe (the session locks).
/// </summary>
internal sealed class RtpReceiveStream
{
    private readonly TimeProvider _time;
    private readonly int _clockRate;
    private RtpSequenceUnwrapper _unwrapper;
    private long _base = -1;
    private long _highest = -1;
    private long _expectedPrior;
    private long _receivedPrior;
    private long _lastTransit;
    private bool _hasTransit;
    private double _jitter;
    private uint _lastSr;
    private long _lastSrArrival;

    public RtpReceiveStream(uint localSsrc, uint ssrc, int clockRate, bool feedback, NackGeneratorOptions nack, TimeProvider time)
    {
        Ssrc = ssrc;
        Feedback = feedback;
        _time = time;
        _clockRate = clockRate;
        Nack = new NackGenerator(localSsrc, ssrc, nack, time);
    }

    /// <summary>The remote SSRC.</summary>
    public uint Ssrc { get; }

    /// <summary>Whether the stream gets NACKs and can be the target of a PLI (video), or not (audio).</summary>
    public bool Feedback { get; }

    /// <summary>The NACK generator of this stream (fed only when <see cref="Feedback"/>).</summary>
    public NackGenerator Nack { get; }

    /// <summary>Packets received, duplicates and retransmissions included.</summary>
    public long Packets { get; private set; }

    /// <summary>Bytes of the received (unprotected) RTP packets.</summary>
    public long Bytes { get; private set; }

    /// <summary>Expected minus received since the first packet (RFC 3550 A.3; retransmissions reduce it).</summary>
    public long CumulativeLost => _highest < 0 ? 0 : (_highest - _base + 1) - Packets;

    /// <summary>Interarrival jitter in RTP timestamp units.</summary>
    public double Jitter => _jitter;

    /// <summary>Interarrival jitter in seconds.</summary>
    public double JitterSeconds => _jitter / _clockRate;

    /// <summary>Records one received packet.</summary>
    public void OnReceived(ushort sequenceNumber, uint rtpTimestamp, int length)
    {
        long extended = _unwrapper.Unwrap(sequenceNumber);
        Packets++;
        Bytes += length;
        if (Feedback)
        {
            Nack.OnReceived(sequenceNumber);
        }

        if (_base < 0)
        {
            _base = extended;
            _highest = extended;
        }
        else if (extended <= _highest)
        {
            return; // reordered or retransmitted: its timestamp says nothing about the network's jitter now
        }

        _highest = extended;
        long now = _time.GetTimestamp();
        long arrival = (long)((double)now / _time.TimestampFrequency * _clockRate);
        long transit = arrival - rtpTimestamp;
        if (_hasTransit)
        {
            long d = Math.Abs(transit - _lastTransit);
            _jitter += (d - _jitter) / 16.0;
        }

        _lastTransit = transit;
        _hasTransit = true;
    }

    /// <summary>Remembers an SR of this source: the middle 32 bits of its NTP time and when it arrived.</summary>
    /// <summary>The mapping of the latest sender report, or null before one.</summary>
    public RtpClockMapping? LastSenderClock { get; private set; }

    public void OnSenderReport(ulong ntpTimestamp, uint rtpTimestamp)
    {
        LastSenderClock = new RtpClockMapping(ntpTimestamp, rtpTimestamp);
        _lastSr = (uint)(ntpTimestamp >> 16);
        _lastSrArrival = _time.GetTimestamp();
    }

    /// <summary>A report block for this source; starts a new interval for the fraction lost.</summary>
    public ReceptionReport MakeReport()
    {
        long expected = _highest < 0 ? 0 : _highest - _base + 1;
        long expectedInterval = expected - _expectedPrior;
        long receivedInterval = Packets - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = Packets;
        long lostInterval = expectedInterval - receivedInterval;
        byte fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        uint dlsr = 0;
        if (_lastSr != 0)
        {
            double seconds = (double)(_time.GetTimestamp() - _lastSrArrival) / _time.TimestampFrequency;
            dlsr = (uint)Math.Min(uint.MaxValue, seconds * 65536);
        }

        return new ReceptionReport(
            Ssrc, fraction, (int)Math.Clamp(CumulativeLost, int.MinValue, int.MaxValue), (uint)Math.Max(0, _highest - 65536), (uint)_jitter, _lastSr, dlsr);
    }
}
