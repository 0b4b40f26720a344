// Spec: https://www.rfc-editor.org/rfc/rfc9725#section-4 (WHIP sessions), https://datatracker.ietf.org/doc/draft-ietf-wish-whep/ (WHEP sessions)
using System.Security.Cryptography;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;
using Casto.WebRtc.Timers;
using Microsoft.Extensions.Logging;

namespace Casto.Relay.Forwarding;

/// <summary>
/// A forwarding node: publishers (one per stream) and subscribers are peer connections answered from SDP offers, as
/// WHIP and WHEP resources are; each stream's media is forwarded from its publisher to its subscribers by a
/// <see cref="ForwardedStream"/>. Every count is bounded (streams, subscribers, concurrent handshakes); sessions end on
/// <see cref="EndAsync"/>, when their connection closes or fails, or when they do not connect in time. Thread-safe.
/// </summary>
public sealed partial class ForwardingNode : IAsyncDisposable
{
    private readonly ForwardingNodeOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ForwardedStream> _streams = new(StringComparer.Ordinal);
    private readonly HashSet<string> _publishing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ForwardingSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly CoalescingTimeProvider? _ownedTime;
    private int _pending;
    private int _subscribers;
    private bool _closed;

    /// <summary>Creates a node with no streams.</summary>
    public ForwardingNode(ForwardingNodeOptions? options = null)
    {
        _options = options ?? new ForwardingNodeOptions();
        _options.Validate();
        _logger = _options.LoggerFactory.CreateLogger("Casto.Relay.Forwarding");
        _time = _options.TimeProvider ?? (_ownedTime = new CoalescingTimeProvider());
    }

    /// <summary>Subscriber sessions now (connecting or connected).</summary>
    public int SubscriberSessions
    {
        get
        {
            lock (_gate)
            {
                return _subscribers;
            }
        }
    }

    /// <summary>The stream named <paramref name="name"/>, or null.</summary>
    public ForwardedStream? GetStream(string name)
    {
        lock (_gate)
        {
            return _streams.GetValueOrDefault(name);
        }
    }

    /// <summary>The session <paramref name="id"/>, or null.</summary>
    public ForwardingSession? GetSession(string id)
    {
        lock (_gate)
        {
            return _sessions.GetValueOrDefault(id);
        }
    }

    /// <summary>Counters of every stream.</summary>
    public IReadOnlyList<ForwardedStreamStats> GetStats()
    {
        ForwardedStream[] streams;
        lock (_gate)
        {
            streams = [.. _streams.Values];
        }

        return [.. streams.Select(s => s.GetStats()).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Answers a publisher's offer for <paramref name="stream"/> (the publisher sends, we receive). Throws
    /// <see cref="ForwardingException"/>: InvalidName, StreamBusy (already published), OverCapacity, InvalidSdp, Closed.
    /// </summary>
    public Task<ForwardingSession> PublishAsync(string stream, string offer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offer);
        RtcCodec? codec = Reserve(stream);
        return OpenAsync(stream, offer, isPublisher: true, cancellationToken, codec);
    }

    /// <summary>Reserves the source of <paramref name="stream"/>; returns the codec its waiting children negotiated, if any.</summary>
    private RtcCodec? Reserve(string stream, bool replacing = false)
    {
        CheckName(stream);
        lock (_gate)
        {
            ThrowIfClosed();
            bool exists = _streams.TryGetValue(stream, out ForwardedStream? existing);
            if ((existing?.Source is not null && !replacing) || !_publishing.Add(stream))
            {
                throw new ForwardingException(ForwardingError.StreamBusy, $"Stream '{stream}' already has a publisher.");
            }

            if ((!exists && _streams.Count + _publishing.Count > _options.MaxStreams) || _pending >= _options.MaxPendingSessions)
            {
                _publishing.Remove(stream);
                throw new ForwardingException(ForwardingError.OverCapacity, "Too many streams or connections in progress.");
            }

            _pending++;
            // Children waiting on the stream negotiated its codec: a returning publisher must send the same one.
            return existing is { SubscriberCount: > 0 } || existing?.Source is not null ? existing.VideoCodec : null;
        }
    }

    /// <summary>
    /// Receives <paramref name="stream"/> from an upstream node instead of a publisher (a relay's parent in the tree):
    /// we offer to receive, <paramref name="exchange"/> carries the offer there and returns its answer, and the stream
    /// forwards that connection like a publisher's. A current source is replaced (the caller ends its session once this
    /// one flows: make-before-break); with <paramref name="continuesNumbering"/> (the same tree, whose nodes all carry
    /// the root's sequence numbers and timestamps) children go on without a rebase and the new source fills the gap.
    /// Throws like <see cref="PublishAsync"/>, and what <paramref name="exchange"/> throws (IOException, TimeoutException).
    /// </summary>
    public Task<ForwardingSession> PullAsync(
        string stream, Func<string, CancellationToken, Task<string>> exchange, bool continuesNumbering = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        RtcCodec? codec = Reserve(stream, replacing: true);
        return PullCoreAsync(stream, codec, exchange, continuesNumbering, cancellationToken);
    }

    /// <summary>
    /// Answers a subscriber's offer for <paramref name="stream"/> (we send, it receives). Throws
    /// <see cref="ForwardingException"/>: InvalidName, StreamNotFound (not published), OverCapacity, InvalidSdp, Closed.
    /// </summary>
    public Task<ForwardingSession> SubscribeAsync(string stream, string offer, CancellationToken cancellationToken = default) =>
        SubscribeAsync(stream, offer, default, cancellationToken);

    /// <summary>
    /// Like <see cref="SubscribeAsync(string, string, CancellationToken)"/> for a tree child that had the stream's
    /// numbering from another parent: it starts at <paramref name="resume"/> (where it stopped) rather than at a key frame.
    /// </summary>
    public Task<ForwardingSession> SubscribeAsync(string stream, string offer, ResumePoint resume, CancellationToken cancellationToken = default)
    {
        CheckName(stream);
        ArgumentNullException.ThrowIfNull(offer);
        RtcCodec codec;
        lock (_gate)
        {
            ThrowIfClosed();
            if (!_streams.TryGetValue(stream, out ForwardedStream? s) || s.Source is null)
            {
                throw new ForwardingException(ForwardingError.StreamNotFound, $"Stream '{stream}' is not being published.");
            }

            if (_subscribers >= _options.MaxSubscribers || s.SubscriberCount >= _options.Forwarding.MaxSubscribers
                || _pending >= _options.MaxPendingSessions)
            {
                throw new ForwardingException(ForwardingError.OverCapacity, "Too many subscribers or connections in progress.");
            }

            _pending++;
            _subscribers++;
            codec = s.VideoCodec;
        }

        return OpenAsync(stream, offer, isPublisher: false, cancellationToken, codec, resume);
    }

    /// <summary>Ends the session <paramref name="sessionId"/> (its connection is closed). Throws SessionNotFound.</summary>
    public async Task EndAsync(string sessionId)
    {
        ForwardingSession? session;
        lock (_gate)
        {
            session = _sessions.GetValueOrDefault(sessionId);
        }

        if (session is null)
        {
            throw new ForwardingException(ForwardingError.SessionNotFound, "No such session.");
        }

        await EndSessionAsync(session).ConfigureAwait(false);
    }

    private static void CheckName(string stream)
    {
        if (string.IsNullOrEmpty(stream) || stream.Length > 64
            || !stream.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ForwardingException(ForwardingError.InvalidName, "A stream name is 1-64 letters, digits, '.', '_' or '-'.");
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ForwardingException(ForwardingError.Closed, "The node is shutting down.");
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private RtcPeerConnectionOptions ConnectionOptions(bool isPublisher, RtcCodec? codec) => new()
    {
        VideoCodecs = codec is { } c ? [c] : [RtcCodec.Vp8, RtcCodec.H264],
        Direction = isPublisher ? SdpDirection.RecvOnly : SdpDirection.SendOnly,
        Audio = true,
        ReceiveQueueCapacity = 0,
        RetransmissionHistorySize = 0,
        MediaTimeout = isPublisher ? _options.PublisherMediaTimeout : Timeout.InfiniteTimeSpan,
        ConnectTimeout = _options.ConnectTimeout,
        LocalAddresses = _options.LocalAddresses,
        UdpMux = _options.UdpMux,
        IceServers = _options.IceServers,
        TimeProvider = _time,
        LoggerFactory = _options.LoggerFactory,
    };
}
