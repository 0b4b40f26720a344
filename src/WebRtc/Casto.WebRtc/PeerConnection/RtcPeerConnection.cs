// Spec: https://www.w3.org/TR/webrtc/#interface-definition (RTCPeerConnection),
//       https://www.rfc-editor.org/rfc/rfc8829#section-5 (JSEP offer/answer, non-trickle)
using System.Security.Cryptography;
using System.Threading.Channels;
using Casto.WebRtc.Dtls;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Sdp;
using Microsoft.Extensions.Logging;

namespace Casto.WebRtc.PeerConnection;

/// <summary>
/// An RTCPeerConnection for one bundled video m-line (VP8) and optionally Opus audio: create/set the offer and
/// answer (with all candidates, or trickled through <see cref="AddIceCandidate"/>), then ICE (offerer controlling),
/// DTLS (role from a=setup) and SRTP run by themselves. Send RTP with <see cref="TrySendRtp(ReadOnlySpan{byte})"/>
/// (synchronous, no allocation) or <see cref="SendRtpAsync"/>; receive unprotected RTP without a copy through
/// <see cref="RtpReceived"/>, or copied through <see cref="ReadRtpAsync"/>. RTCP (SR/RR, NACK both ways, PLI/FIR)
/// runs by itself; <see cref="GetStats"/> reads its counters. Thread-safe.
/// </summary>
public sealed partial class RtcPeerConnection : IAsyncDisposable
{
    private readonly RtcPeerConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly DtlsCertificate _certificate;
    private readonly Channel<ReadOnlyMemory<byte>>? _received;
    private readonly object _gate = new();
    private readonly string _streamId;
    private readonly ulong _sessionId;
    private IceAgent? _ice;
    private bool _isOfferer;
    private string? _localDescription;
    private SessionDescription? _remoteSdp;
    private RtcRemoteParameters? _remote;
    private RtcPeerConnectionState _state;

    /// <summary>Creates a connection; nothing is bound or sent until a description is created or applied.</summary>
    /// <exception cref="ArgumentException">An option is out of range (see <see cref="RtcPeerConnectionOptions.Validate"/>).</exception>
    public RtcPeerConnection(RtcPeerConnectionOptions? options = null)
    {
        _options = options ?? new RtcPeerConnectionOptions();
        _options.Validate();
        _logger = _options.LoggerFactory.CreateLogger("Casto.WebRtc.PeerConnection");
        _certificate = DtlsCertificate.Generate();
        Ssrc = _options.Ssrc != 0 ? _options.Ssrc : (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        AudioSsrc = Ssrc == int.MaxValue ? 1u : Ssrc + 1;
        _streamId = "casto-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        _sessionId = (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        if (_options.ReceiveQueueCapacity > 0)
        {
            _received = Channel.CreateBounded<ReadOnlyMemory<byte>>(
                new BoundedChannelOptions(_options.ReceiveQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
                _ => Interlocked.Increment(ref _receiveQueueDropped));
        }
    }

    /// <summary>Raised on every <see cref="ConnectionState"/> change, on the thread that made it.</summary>
    public event EventHandler<RtcPeerConnectionState>? ConnectionStateChanged;

    /// <summary>W3C connectionState.</summary>
    public RtcPeerConnectionState ConnectionState
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>The SSRC announced in our a=ssrc.</summary>
    public uint Ssrc { get; }

    /// <summary>The SSRC announced for audio (used when <see cref="RtcPeerConnectionOptions.Audio"/> is on).</summary>
    public uint AudioSsrc { get; }

    /// <summary>The negotiated Opus payload type, or -1 when no audio section was accepted.</summary>
    public int AudioPayloadType { get; private set; } = -1;

    /// <summary>The negotiated video payload type (the offer's number once an answer exists); RTP we send should carry it.</summary>
    public int VideoPayloadType { get; private set; } = RtcSdp.Vp8PayloadType;

    /// <summary>The negotiated video codec (VP8 until an answer exists).</summary>
    public Codecs.RtcCodec VideoCodec { get; private set; } = Codecs.RtcCodec.Vp8;

    /// <summary>What the peer's description says about its side of the video section (sendrecv, recvonly, …).</summary>
    public SdpDirection? RemoteDirection => _remote?.Direction;

    /// <summary>The local description applied with <see cref="SetLocalDescription"/>, or null.</summary>
    public string? LocalDescription => _localDescription;

    /// <summary>The remote description applied with <see cref="SetRemoteDescription"/>, or null.</summary>
    public string? RemoteDescription => _remoteSdp?.ToString();

    /// <summary>The receive queue (copies of the unprotected RTP packets); completes on close. Null when <see cref="RtcPeerConnectionOptions.ReceiveQueueCapacity"/> is 0.</summary>
    public ChannelReader<ReadOnlyMemory<byte>>? RtpPackets => _received?.Reader;

    /// <summary>
    /// Creates an offer (actpass). With ICE servers configured, candidates are gathered first (server-reflexive,
    /// relayed) so the offer carries them all; pass it to <see cref="SetLocalDescription"/>.
    /// </summary>
    public async Task<string> CreateOfferAsync(CancellationToken cancellationToken = default)
    {
        IceAgent ice;
        lock (_gate)
        {
            ThrowIfClosed();
            if (_remoteSdp is not null || _localDescription is not null)
            {
                throw State("createOffer is only supported in the initial stable state (no renegotiation).");
            }

            _isOfferer = true;
            ice = _ice ??= CreateIceAgent(IceRole.Controlling);
        }

        await GatherAsync(ice, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            ThrowIfClosed();
            return RtcSdp.CreateOffer(ice, _certificate, _options, Ids).ToString();
        }
    }

    /// <summary>Creates the answer to the remote offer (a=setup:active), after gathering like <see cref="CreateOfferAsync"/>.</summary>
    public async Task<string> CreateAnswerAsync(CancellationToken cancellationToken = default)
    {
        IceAgent ice;
        lock (_gate)
        {
            ThrowIfClosed();
            if (_isOfferer || _remoteSdp is null || _ice is null || _localDescription is not null)
            {
                throw State("createAnswer needs a remote offer and no local description.");
            }

            ice = _ice;
        }

        await GatherAsync(ice, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            ThrowIfClosed();
            var answer = RtcSdp.CreateAnswer(_remoteSdp, ice, _certificate, _options, Ids);
            (VideoCodec, VideoPayloadType) = RtcSdp.ChooseVideo(answer, _options.VideoCodecs)!.Value;
            AudioPayloadType = RtcSdp.OpusPayloadTypeOf(answer);
            return answer.ToString();
        }
    }

    /// <summary>Applies our offer or answer; after both descriptions are set, connecting starts.</summary>
    public void SetLocalDescription(RtcSdpType type, string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        lock (_gate)
        {
            ThrowIfClosed();
            if (_localDescription is not null || _ice is null || (type == RtcSdpType.Offer) != _isOfferer)
            {
                throw State($"Cannot set a local {type} now.");
            }

            SessionDescription parsed;
            try
            {
                parsed = SessionDescription.Parse(sdp);
            }
            catch (SdpException ex)
            {
                throw new PeerConnectionException(PeerConnectionError.InvalidSdp, "Unparseable local description: " + ex.Message, ex);
            }

            if (parsed.Media.FirstOrDefault()?.IceUfrag != _ice.LocalUfrag)
            {
                throw new PeerConnectionException(PeerConnectionError.InvalidSdp, "The local description was not created by this connection.");
            }

            _localDescription = sdp;
        }

        StartIfReady();
    }

    /// <summary>Applies the peer's offer or answer. Throws <see cref="PeerConnectionException"/> (InvalidSdp) on bad SDP.</summary>
    public void SetRemoteDescription(RtcSdpType type, string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        var (parsed, parameters) = RtcSdp.ParseRemote(sdp);
        lock (_gate)
        {
            ThrowIfClosed();
            bool ok = type == RtcSdpType.Offer
                ? !_isOfferer && _remoteSdp is null && _localDescription is null
                : _isOfferer && _remoteSdp is null && _localDescription is not null;
            if (!ok)
            {
                throw State($"Cannot set a remote {type} now.");
            }

            if (type == RtcSdpType.Answer && parameters.Setup is not (SdpSetup.Active or SdpSetup.Passive))
            {
                throw new PeerConnectionException(PeerConnectionError.InvalidSdp, "An answer must carry a=setup:active or passive.");
            }

            _ice ??= CreateIceAgent(IceRole.Controlled);
            _ice.SetRemoteCredentials(parameters.Ufrag, parameters.Password);
            foreach (var candidate in parameters.Candidates)
            {
                try
                {
                    _ice.AddRemoteCandidate(candidate);
                }
                catch (Exception ex) when (ex is IceException or ArgumentException or FormatException)
                {
                    // RFC 8445 §5.1.2: candidates we cannot use (other family, bad address) are ignored.
                }
            }

            if (parameters.EndOfCandidates)
            {
                _ice.AddRemoteEndOfCandidates();
            }

            _remoteSdp = parsed;
            _remote = parameters;
            if (type == RtcSdpType.Answer)
            {
                (VideoCodec, VideoPayloadType) = RtcSdp.ChooseVideo(parsed, _options.VideoCodecs)
                    ?? throw new PeerConnectionException(PeerConnectionError.InvalidSdp, "The answer accepts none of our video codecs.");
                AudioPayloadType = RtcSdp.OpusPayloadTypeOf(parsed);
            }
        }

        StartIfReady();
    }

    /// <summary>Completes when <see cref="ConnectionState"/> reaches connected; throws if it fails or closes first.</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken = default) => _connected.Task.WaitAsync(cancellationToken);

    private RtcLocalIds Ids => new(Ssrc, AudioSsrc, _streamId, _sessionId);

    private IceOptions IceOptions() => new()
    {
        LocalAddresses = _options.LocalAddresses,
        ConnectTimeout = _options.ConnectTimeout,
        IceServers = _options.IceServers,
        TransportPolicy = _options.IceTransportPolicy,
        UdpMux = _options.UdpMux,
        ConsentDisconnectedTimeout = _options.ConsentDisconnectedTimeout,
        ConsentTimeout = _options.ConsentTimeout,
        TimeProvider = _options.TimeProvider,
    };

    private void ThrowIfClosed()
    {
        if (_state == RtcPeerConnectionState.Closed)
        {
            throw new PeerConnectionException(PeerConnectionError.Closed, "The peer connection is closed.");
        }
    }

    private static PeerConnectionException State(string message) => new(PeerConnectionError.InvalidState, message);

    /// <summary>Moves to <paramref name="next"/> (only from <paramref name="from"/> when given) unless closed (final); raises the event on change.</summary>
    private bool SetState(RtcPeerConnectionState next, RtcPeerConnectionState? from = null)
    {
        lock (_gate)
        {
            if (_state == next || _state == RtcPeerConnectionState.Closed || (from is { } expected && _state != expected))
            {
                return false;
            }

            _state = next;
        }

        Log.StateChanged(_logger, _streamId, next);
        ConnectionStateChanged?.Invoke(this, next);
        return true;
    }
}
