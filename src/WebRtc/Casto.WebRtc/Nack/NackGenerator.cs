using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Rtp;

namespace Casto.WebRtc.Nack;

/// <summary>Limits for a <see cref="NackGenerator"/>.</summary>
internal sealed class NackGeneratorOptions
{
    /// <summary>Sequence numbers tracked behind the highest (power of two, ≤ 32768). Default 512.</summary>
    public int WindowSize { get; init; } = 512;

    /// <summary>NACKs sent per missing packet before giving up. Default 10.</summary>
    public int MaxRetries { get; init; } = 10;

    /// <summary>A missing packet older than this is given up. Default 1 s.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Minimum time between NACKs for the same packet (≈ one RTT). Default 50 ms.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Most sequence numbers in one NACK packet. Default 256.</summary>
    public int MaxPerNack { get; init; } = 256;
}

/// <summary>
/// The receiver side of NACK for one media SSRC: tracks received sequence numbers over a bounded window
/// (extended across the 16-bit wrap), records gaps as missing, and periodically produces generic NACK
/// feedback for packets still missing, each at most <see cref="NackGeneratorOptions.MaxRetries"/> times and
/// never once older than <see cref="NackGeneratorOptions.MaxAge"/>. Not thread-safe; call
/// <see cref="WriteNack"/> on a timer (e.g. every 20 ms). Uses the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class NackGenerator
{
    private const byte Unknown = 0;
    private const byte Received = 1;
    private const byte Missing = 2;
    private const byte GivenUp = 3;

    private readonly NackGeneratorOptions _options;
    private readonly TimeProvider _time;
    private readonly int _mask;
    private readonly long _maxAge;
    private readonly long _retryInterval;
    private readonly long[] _sequence;
    private readonly byte[] _state;
    private readonly byte[] _retries;
    private readonly long[] _detected;
    private readonly long[] _lastNack;
    private RtpSequenceUnwrapper _unwrapper;
    private long _highest = -1;

    /// <summary>Creates a generator for <paramref name="mediaSsrc"/>; NACKs carry <paramref name="senderSsrc"/>.</summary>
    public NackGenerator(uint senderSsrc, uint mediaSsrc, NackGeneratorOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new NackGeneratorOptions();
        int window = _options.WindowSize;
        if (window is < 16 or > 32768 || (window & (window - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), window, "WindowSize must be a power of two between 16 and 32768.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxRetries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPerNack, 1);
        _time = time ?? TimeProvider.System;
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        _mask = window - 1;
        _maxAge = ToTimestamp(_options.MaxAge);
        _retryInterval = ToTimestamp(_options.RetryInterval);
        _sequence = new long[window];
        _state = new byte[window];
        _retries = new byte[window];
        _detected = new long[window];
        _lastNack = new long[window];
    }

    /// <summary>SSRC written as the NACK sender.</summary>
    public uint SenderSsrc { get; }

    /// <summary>SSRC whose packets are tracked.</summary>
    public uint MediaSsrc { get; }

    /// <summary>Packets currently missing (not yet received nor given up).</summary>
    public int MissingCount { get; private set; }

    /// <summary>Missing packets abandoned after the retry limit or max age.</summary>
    public long GivenUpCount { get; private set; }

    /// <summary>Missing packets that arrived later (retransmitted or reordered).</summary>
    public long RecoveredCount { get; private set; }

    /// <summary>Records the arrival of <paramref name="sequenceNumber"/>.</summary>
    public void OnReceived(ushort sequenceNumber)
    {
        long extended = _unwrapper.Unwrap(sequenceNumber);
        if (_highest < 0)
        {
            _highest = extended;
            Set(extended, Received, 0);
            return;
        }

        if (extended > _highest)
        {
            long now = _time.GetTimestamp();
            if (extended - _highest > _mask)
            {
                Array.Clear(_state); // jump past the window: old gaps are no longer recoverable
                MissingCount = 0;
            }
            else
            {
                for (long missing = _highest + 1; missing < extended; missing++)
                {
                    Set(missing, Missing, now);
                }
            }

            Set(extended, Received, 0);
            _highest = extended;
            return;
        }

        int slot = (int)(extended & _mask);
        if (extended > _highest - _mask - 1 && _sequence[slot] == extended && _state[slot] is Missing or GivenUp)
        {
            if (_state[slot] == Missing)
            {
                MissingCount--;
            }

            _state[slot] = Received;
            RecoveredCount++;
        }
    }

    /// <summary>
    /// Writes the sequence numbers due for a NACK now (oldest first, in RTP order) and counts one retry for each;
    /// gives up on those past the retry limit or max age. Returns how many were written.
    /// </summary>
    public int CollectDue(Span<ushort> destination)
    {
        if (_highest < 0)
        {
            return 0;
        }

        long now = _time.GetTimestamp();
        int count = 0;
        for (long e = Math.Max(0, _highest - _mask); e < _highest && count < destination.Length; e++)
        {
            int slot = (int)(e & _mask);
            if (_sequence[slot] != e || _state[slot] != Missing)
            {
                continue;
            }

            if (_retries[slot] >= _options.MaxRetries || now - _detected[slot] > _maxAge)
            {
                _state[slot] = GivenUp;
                MissingCount--;
                GivenUpCount++;
                continue;
            }

            if (_retries[slot] == 0 || now - _lastNack[slot] >= _retryInterval)
            {
                _retries[slot]++;
                _lastNack[slot] = now;
                destination[count++] = (ushort)e;
            }
        }

        return count;
    }

    /// <summary>Writes a generic NACK for the packets due now into <paramref name="destination"/>; returns 0 when none are due.</summary>
    public int WriteNack(Span<byte> destination)
    {
        Span<ushort> due = stackalloc ushort[Math.Min(_options.MaxPerNack, 1024)];
        int count = CollectDue(due);
        if (count == 0)
        {
            return 0;
        }

        Span<NackPair> pairs = stackalloc NackPair[count];
        int pairCount = NackPair.Pack(due[..count], pairs);
        return new GenericNack(SenderSsrc, MediaSsrc, pairs[..pairCount]).Write(destination);
    }

    private void Set(long extended, byte state, long now)
    {
        int slot = (int)(extended & _mask);
        if (_state[slot] == Missing)
        {
            MissingCount--; // overwritten while still missing: it fell out of the window
            GivenUpCount++;
        }

        _sequence[slot] = extended;
        _state[slot] = state;
        _retries[slot] = 0;
        _detected[slot] = now;
        _lastNack[slot] = 0;
        if (state == Missing)
        {
            MissingCount++;
        }
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
