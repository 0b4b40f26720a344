namespace Casto.Relay.Forwarding;

/// <summary>Counters of one forwarded track (all since the track was created).</summary>
public readonly record struct ForwardingTrackStats
{
    /// <summary>Children on the track.</summary>
    public int Subscribers { get; init; }

    /// <summary>Distinct RTP packets received from upstream.</summary>
    public long PacketsIn { get; init; }

    /// <summary>Their bytes (RTP header and payload).</summary>
    public long BytesIn { get; init; }

    /// <summary>Packets sent to children (live, catch-up and late ones; retransmissions not included).</summary>
    public long PacketsOut { get; init; }

    /// <summary>Key frames seen upstream.</summary>
    public long KeyFrames { get; init; }

    /// <summary>Sequence numbers children asked for in NACKs.</summary>
    public long NackedPackets { get; init; }

    /// <summary>Of those, resent from the shared history.</summary>
    public long Retransmissions { get; init; }

    /// <summary>Of those, no longer (or never) in the history.</summary>
    public long RetransmissionMisses { get; init; }

    /// <summary>Key frame requests from children and joiners.</summary>
    public long KeyFrameRequestsReceived { get; init; }

    /// <summary>Key frame requests sent upstream (at most one per interval).</summary>
    public long KeyFrameRequestsSent { get; init; }

    /// <summary>Upstream packets already in the history (duplicates, redundant retransmissions).</summary>
    public long Duplicates { get; init; }

    /// <summary>Upstream packets dropped as malformed or too large.</summary>
    public long Malformed { get; init; }

    /// <summary>Packets a child's connection did not take (not connected, closing) or the kernel refused at a batched send.</summary>
    public long SendDrops { get; init; }

    /// <summary>System calls of batched sends (<see cref="ForwardingOptions.SendBatchSize"/>; packets per call = batched packets / this).</summary>
    public long BatchedSendCalls { get; init; }

    /// <summary>Packets of a previous source still in flight when the source changed, dropped.</summary>
    public long StalePackets { get; init; }

    /// <summary>How long packets stayed in this node before their copies left (live fan-out only; replays and retransmissions not counted).</summary>
    public ForwardDelayHistogram ForwardDelay { get => _forwardDelay ?? ForwardDelayHistogram.Empty; init => _forwardDelay = value; }

    private readonly ForwardDelayHistogram? _forwardDelay;
}

/// <summary>The track's counters.</summary>
internal sealed partial class ForwardingTrack
{
    private long _packetsIn;
    private long _bytesIn;
    private long _packetsOut;
    private long _keyFrames;
    private long _nackedPackets;
    private long _retransmissions;
    private long _retransmissionMisses;
    private long _keyFrameRequestsReceived;
    private long _keyFrameRequestsSent;
    private long _duplicates;
    private long _malformed;
    private long _sendDrops;
    private readonly ForwardDelayRecorder _forwardDelay = new();

    public ForwardingTrackStats GetStats()
    {
        lock (_gate)
        {
            return new ForwardingTrackStats
            {
                Subscribers = _subscribers.Length,
                PacketsIn = _packetsIn,
                BytesIn = _bytesIn,
                PacketsOut = _packetsOut,
                KeyFrames = _keyFrames,
                NackedPackets = _nackedPackets,
                Retransmissions = _retransmissions,
                RetransmissionMisses = _retransmissionMisses,
                KeyFrameRequestsReceived = _keyFrameRequestsReceived,
                KeyFrameRequestsSent = _keyFrameRequestsSent,
                Duplicates = _duplicates,
                Malformed = Interlocked.Read(ref _malformed),
                SendDrops = _sendDrops + (_batch?.Failed ?? 0),
                BatchedSendCalls = _batch?.SystemCalls ?? 0,
                StalePackets = _stale,
                ForwardDelay = _forwardDelay.Snapshot(),
            };
        }
    }
}
