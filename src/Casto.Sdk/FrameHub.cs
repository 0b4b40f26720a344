using System.Threading.Channels;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Rtp;

namespace Casto.Sdk;

/// <summary>
/// Assembles a watched stream's frames once (on the player's receive thread), counts them for the statistics and
/// hands a pooled copy to each reader's bounded queue. A queue drops its oldest frame when full (memory returned,
/// counted). The current group of pictures (from the last key frame, at most the queue capacity) is kept, so a new
/// reader starts at once with it rather than waiting for the next key frame; a longer group is not kept (its reader
/// starts at the next key frame).
/// </summary>
internal sealed partial class FrameHub : IPacketSink, IDisposable
{
    private readonly CastoOptions _options;
    private readonly Func<double?> _latencyMs;
    private readonly Lock _gate = new();
    private FrameQueue[] _queues = [];
    private readonly List<CastoFrame> _gop = [];
    private bool _gopComplete;
    private RtpFrameAssembler? _assembler;
    private long _frames;
    private long _lostBefore;
    private long _dropped;
    private long _lastFrameAt;
    private bool _completed;
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FrameHub(CastoOptions options, Func<double?> latencyMs) => (_options, _latencyMs) = (options, latencyMs);

    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Completes at the first whole frame.</summary>
    public Task FirstFrame => _first.Task;

    public long FramesLost
    {
        get
        {
            lock (_gate)
            {
                return _lostBefore + (_assembler?.DroppedFrames ?? 0);
            }
        }
    }

    public long FramesDropped => Interlocked.Read(ref _dropped);

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the newest frame; 0 before one.</summary>
    public long LastFrameAt => Interlocked.Read(ref _lastFrameAt);

    public void OnPacket(RtcCodec codec, int payloadType, ReadOnlySpan<byte> packet)
    {
        if (!RtpPacket.TryRead(packet, out RtpHeader header, out ReadOnlySpan<byte> payload))
        {
            return;
        }

        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            if (_assembler?.Codec != codec)
            {
                _lostBefore += _assembler?.DroppedFrames ?? 0;
                _assembler?.Dispose();
                _assembler = new RtpFrameAssembler(codec, _options.MaxFrameSize);
            }

            if (!_assembler.TryAdd(header, payload, out ReadOnlyMemory<byte> frame, out bool key))
            {
                return;
            }

            Interlocked.Exchange(ref _lastFrameAt, _options.TimeProvider.GetTimestamp());
            if (Interlocked.Increment(ref _frames) == 1)
            {
                _first.TrySetResult();
            }
            DateTimeOffset now = _options.TimeProvider.GetUtcNow();
            DateTimeOffset? capture = _latencyMs() is { } ms ? now - TimeSpan.FromMilliseconds(ms) : null;
            var castoCodec = codec == RtcCodec.H264 ? CastoCodec.H264 : CastoCodec.Vp8;
            if (KeepInGop(key))
            {
                _gop.Add(new CastoFrame(castoCodec, key, header.Timestamp, now, capture, frame.Span));
            }
            foreach (FrameQueue q in _queues)
            {
                if (q.Started || key)
                {
                    q.Started = true;
                    q.Offer(new CastoFrame(castoCodec, key, header.Timestamp, now, capture, frame.Span));
                }
            }
        }
    }

    /// <summary>A new reader's queue (bounded; the oldest frame goes when full), primed with the current group of pictures.</summary>
    public ChannelReader<CastoFrame> AddReader(out FrameQueue queue)
    {
        queue = new FrameQueue(this, _options.FrameQueueCapacity);
        lock (_gate)
        {
            if (_completed)
            {
                queue.Writer.TryComplete();
            }
            else
            {
                foreach (CastoFrame f in _gop)
                {
                    queue.Started = true;
                    queue.Offer(new CastoFrame(f.Codec, f.IsKeyframe, f.RtpTimestamp, f.ReceivedAt, f.CaptureTime, f.Payload.Span));
                }

                _queues = [.. _queues, queue];
            }
        }

        return queue.Reader;
    }

    public void RemoveReader(FrameQueue queue)
    {
        lock (_gate)
        {
            _queues = [.. _queues.Where(q => q != queue)];
        }

        queue.Writer.TryComplete();
        while (queue.Reader.TryRead(out CastoFrame? left))
        {
            left.Dispose();
        }
    }

    /// <summary>The stream ended or the media closed: every reader finishes once it has read what is queued.</summary>
    public void Complete()
    {
        FrameQueue[] queues;
        lock (_gate)
        {
            _completed = true;
            queues = _queues;
        }

        foreach (FrameQueue q in queues)
        {
            q.Writer.TryComplete();
        }
    }

    public void Dispose()
    {
        Complete();
        lock (_gate)
        {
            _assembler?.Dispose();
            _assembler = null;
            ClearGop();
        }
    }
}
