using System.Threading.Channels;

namespace Casto.Sdk;

/// <summary>The group-of-pictures cache and the readers' bounded queues.</summary>
internal sealed partial class FrameHub
{
    /// <summary>The group of pictures so far: restarted at each key frame, given up when longer than a queue.</summary>
    private bool KeepInGop(bool key)
    {
        if (key)
        {
            ClearGop();
            _gopComplete = true;
        }

        if (!_gopComplete)
        {
            return false;
        }

        if (_gop.Count == _options.FrameQueueCapacity)
        {
            ClearGop(); // too long to replay: new readers wait for the next key frame
            return false;
        }

        return true;
    }

    private void ClearGop()
    {
        foreach (CastoFrame f in _gop)
        {
            f.Dispose();
        }

        _gop.Clear();
        _gopComplete = false;
    }

    /// <summary>One reader's bounded queue.</summary>
    internal sealed class FrameQueue
    {
        private readonly Channel<CastoFrame> _channel;

        public FrameQueue(FrameHub hub, int capacity) =>
            _channel = Channel.CreateBounded<CastoFrame>(
                new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
                dropped =>
                {
                    dropped.Dispose();
                    Interlocked.Increment(ref hub._dropped);
                });

        public bool Started { get; set; }

        public ChannelReader<CastoFrame> Reader => _channel.Reader;

        public ChannelWriter<CastoFrame> Writer => _channel.Writer;

        public void Offer(CastoFrame frame)
        {
            if (!_channel.Writer.TryWrite(frame))
            {
                frame.Dispose(); // completed
            }
        }
    }
}
