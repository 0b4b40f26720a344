// Spec: https://www.rfc-editor.org/rfc/rfc7667#section-3.7 (selective forwarding middlebox), https://www.rfc-editor.org/rfc/rfc8834#section-5.1
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;
using Microsoft.Extensions.Logging;

namespace Casto.Relay.Forwarding;

/// <summary>
/// One live stream on a relay node: a source connection (a WHIP publisher, or the node's parent in a relay tree)
/// whose video and audio are forwarded, without transcoding or depacketizing, to any number of child connections
/// (bounded by <see cref="ForwardingOptions.MaxSubscribers"/>). Packets are decrypted once, as they arrive from the
/// source, and protected once per child. The source may be replaced while children stay connected: their sequence
/// numbers and timestamps continue. Children are added once connected, and removed when they close or fail.
/// </summary>
public sealed partial class ForwardedStream : IDisposable
{
    private readonly ForwardingOptions _options;
    private readonly ILogger _logger;
    private readonly ForwardingTrack _video;
    private readonly ForwardingTrack _audio;
    private readonly Lock _gate = new();
    private static readonly object NoSource = new();
    private RtcPeerConnection? _source;

    /// <summary>Creates a stream named <paramref name="name"/> with no source and no children.</summary>
    public ForwardedStream(string name, ForwardingOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _options = options ?? new ForwardingOptions();
        _options.Validate();
        Name = name;
        _logger = _options.LoggerFactory.CreateLogger("Casto.Relay.Forwarding");
        _video = new ForwardingTrack(RtcCodec.Vp8, 90_000, _options, () => RequestSourceKeyFrame(_video!));
        _audio = new ForwardingTrack(RtcCodec.Opus, 48_000, _options, static () => { });
    }

    /// <summary>The stream's name (the WHIP/WHEP path segment).</summary>
    public string Name { get; }

    /// <summary>The current source, or null.</summary>
    public RtcPeerConnection? Source
    {
        get
        {
            lock (_gate)
            {
                return _source;
            }
        }
    }

    /// <summary>The video codec children must accept: the current source's (VP8 before one).</summary>
    public RtcCodec VideoCodec => _video.Codec;

    /// <summary>Children now.</summary>
    public int SubscriberCount => _video.SubscriberCount;

    /// <summary>
    /// Forwards <paramref name="source"/> from now on (its packets are taken from <see cref="RtcPeerConnection.RtpReceived"/>).
    /// A previous source is detached (not closed); children continue on the new one from its next key frame, or at
    /// once when <paramref name="continuesNumbering"/> says it carries the same sequence numbers and timestamps (a
    /// tree parent replaced by another): then history, key frame and children stay, and its packets fill the gap).
    /// </summary>
    public void SetSource(RtcPeerConnection source, bool continuesNumbering = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        RtcPeerConnection? previous;
        lock (_gate)
        {
            previous = _source;
            if (previous == source)
            {
                return;
            }

            _source = source;
        }

        if (previous is not null)
        {
            previous.RtpReceived -= OnSourcePacket;
        }

        _video.OnSourceChanged(source, continuesNumbering); // also the first time: packets are only taken from this source
        _audio.OnSourceChanged(source, continuesNumbering);
        _video.Codec = source.VideoCodec;
        source.RtpReceived += OnSourcePacket;
        Log.SourceSet(_logger, Name, previous is not null);
    }

    /// <summary>Detaches <paramref name="source"/> if it is the current one (children stay, waiting for a new source; the next <see cref="SetSource"/> rebases them unless it continues the numbering).</summary>
    public bool RemoveSource(RtcPeerConnection source)
    {
        lock (_gate)
        {
            if (_source != source)
            {
                return false;
            }

            _source = null;
        }

        source.RtpReceived -= OnSourcePacket;
        // Nothing is accepted until the next source, which decides whether children rebase (it may continue the numbering).
        _video.OnSourceChanged(NoSource, continuesNumbering: true);
        _audio.OnSourceChanged(NoSource, continuesNumbering: true);
        Log.SourceRemoved(_logger, Name);
        return true;
    }

    /// <summary>Routes a source packet to its track by the negotiated payload type.</summary>
    private void OnSourcePacket(RtcPeerConnection source, ReadOnlySpan<byte> packet)
    {
        int payloadType = packet[1] & 0x7F;
        if (payloadType == source.VideoPayloadType)
        {
            _video.OnPacket(source, packet, source.PacketReceivedTimestamp);
        }
        else if (payloadType == source.AudioPayloadType)
        {
            _audio.OnPacket(source, packet, source.PacketReceivedTimestamp);
        }
    }

    private void RequestSourceKeyFrame(ForwardingTrack track)
    {
        RtcPeerConnection? source = Source;
        uint ssrc = track.SourceSsrc;
        if (source is not null && ssrc != 0)
        {
            _ = RequestAsync(source, ssrc);
        }

        static async Task RequestAsync(RtcPeerConnection source, uint ssrc)
        {
            try
            {
                await source.RequestKeyFrameAsync(ssrc).ConfigureAwait(false);
            }
            catch (PeerConnectionException)
            {
                // Not connected (yet or any more): the next join or PLI asks again.
            }
        }
    }

    /// <summary>Stops forwarding: the source is detached, children dropped (not closed), histories returned to the pool.</summary>
    public void Dispose()
    {
        RtcPeerConnection? source = Source;
        if (source is not null)
        {
            RemoveSource(source);
        }

        _video.Dispose();
        _audio.Dispose();
    }
}
