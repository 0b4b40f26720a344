// Spec: https://www.rfc-editor.org/rfc/rfc8445 (full agent, lite §2.5), https://www.rfc-editor.org/rfc/rfc7675 (consent freshness)
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Ice;

/// <summary>
/// ICE agent for one component (rtcp-mux + BUNDLE) over UDP: host candidates, plus server-reflexive and relayed (TURN)
/// ones from <see cref="GatherAsync"/>. Full or lite (<see cref="IceOptions.Lite"/>). Checks and data on a relayed pair go
/// through its <see cref="Turn.TurnClient"/>. STUN on its sockets is handled here; every other datagram from a validated remote candidate is queued on
/// <see cref="Datagrams"/> for DTLS/SRTP. State lives under one lock; the timer (tick = Ta) drives checks,
/// retransmissions, nomination and consent. Usage: <see cref="Create"/>, exchange <see cref="LocalUfrag"/>/
/// <see cref="LocalPassword"/>/<see cref="LocalCandidates"/>, <see cref="SetRemoteCredentials"/>,
/// <see cref="AddRemoteCandidate(IceCandidate)"/>, <see cref="Start"/> (and <see cref="GatherAsync"/> when ICE servers are configured).
/// </summary>
internal sealed partial class IceAgent : IAsyncDisposable
{
    private const int ScratchSize = 512;

    private readonly Lock _gate = new();
    private readonly IceOptions _options;
    private readonly TimeProvider _time;
    private readonly List<IceBase> _sockets = [];
    private readonly List<IceCandidate> _remoteCandidates = [];
    private readonly List<IceCandidatePair> _pairs = [];
    private readonly Queue<IceCandidatePair> _triggered = new();
    private readonly Channel<IceDatagram> _datagrams;
    private readonly IceBufferPool _buffers;
    private readonly CancellationTokenSource _closing = new();
    private readonly byte[] _scratch = new byte[ScratchSize];
    private readonly List<Task> _loops = [];
    private readonly Queue<IceConnectionState> _pendingEvents = new();
    private readonly Lock _eventGate = new();
    private readonly ulong _tieBreaker;
    private byte[] _localKey;
    private byte[]? _remoteKey;
    private string? _remoteUfrag;
    private string? _checkUsername;
    private ITimer? _timer;
    private long _checkingSince;
    private long _firstValidAt = -1;
    private long _nextConsent;
    private long _lastLiteCheck;
    private bool _endOfCandidates;
    private bool _dispatching;
    private IceConnectionState _state;
    private IceCandidatePair? _selected;
    private IceCandidate? _lastSource;

    private IceAgent(IceRole role, IceOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        Role = options.Lite ? IceRole.Controlled : role;
        _tieBreaker = options.TieBreaker ?? IceCredentials.NewTieBreaker();
        LocalUfrag = IceCredentials.NewUfrag();
        LocalPassword = IceCredentials.NewPassword();
        _localKey = Stun.StunCredentials.ShortTermKey(LocalPassword);
        _buffers = new IceBufferPool(options.MaxDatagramSize, options.ReceiveQueueCapacity + 8);
        _datagrams = Channel.CreateBounded<IceDatagram>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Raised (outside the agent lock, in order) on every state change.</summary>
    public event EventHandler<IceConnectionState>? StateChanged;

    public string LocalUfrag { get; }

    public string LocalPassword { get; }

    public bool IsLite => _options.Lite;

    /// <summary>Current role; changes when a role conflict is resolved (RFC 8445 §7.3.1.1).</summary>
    public IceRole Role { get; private set; }

    public IceConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// Local candidates to signal: host (one per local address), server-reflexive and relayed ones gathered so far
    /// (<see cref="GatherAsync"/>); with <see cref="IceTransportPolicy.Relay"/> only the relayed ones.
    /// </summary>
    public IReadOnlyList<IceCandidate> LocalCandidates
    {
        get
        {
            lock (_gate)
            {
                var list = new List<IceCandidate>();
                foreach (var s in _sockets)
                {
                    if (IsUsable(s))
                    {
                        list.Add(s.Candidate);
                    }
                }

                if (_options.TransportPolicy == IceTransportPolicy.All)
                {
                    list.AddRange(_reflexive);
                }

                return list;
            }
        }
    }

    /// <summary>The nominated pair data goes to, or null.</summary>
    public IceCandidatePair? SelectedPair
    {
        get
        {
            lock (_gate)
            {
                return _selected;
            }
        }
    }

    /// <summary>Non-STUN datagrams from validated remote candidates. Dispose each one.</summary>
    public ChannelReader<IceDatagram> Datagrams => _datagrams.Reader;

    public IceCounters Counters { get; } = new();

    /// <summary>Receive buffers allocated so far: bounded by the queue capacity plus what the consumer holds.</summary>
    internal long BuffersAllocated => _buffers.Allocated;

    /// <summary>Creates the agent and binds one UDP socket (port 0) per <see cref="IceOptions.LocalAddresses"/>.</summary>
    public static IceAgent Create(IceRole role, IceOptions? options = null)
    {
        options ??= new IceOptions();
        options.Validate();
        var agent = new IceAgent(role, options);
        if (options.UdpMux is { } mux)
        {
            var candidate = new IceCandidate("1", IcePriority.Candidate(SdpCandidateType.Host, 65535), mux.LocalEndPoint, SdpCandidateType.Host);
            agent._sockets.Add(new IceBase(mux.Socket, candidate, shared: true));
            mux.Register(agent.LocalUfrag, agent);
            return agent;
        }

        try
        {
            for (var i = 0; i < options.LocalAddresses.Count; i++)
            {
                var address = options.LocalAddresses[i];
                var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    socket.Bind(new IPEndPoint(address, 0));
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    throw new IceException(IceError.SocketError, $"Cannot bind UDP on {address}.", ex);
                }

                var endPoint = (IPEndPoint)socket.LocalEndPoint!;
                var priority = IcePriority.Candidate(SdpCandidateType.Host, 65535 - i);
                var foundation = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                agent._sockets.Add(new IceBase(socket, new IceCandidate(foundation, priority, endPoint, SdpCandidateType.Host)));
            }
        }
        catch
        {
            agent.DisposeSockets();
            throw;
        }

        return agent;
    }

    /// <summary>Starts receiving and the timer; a full agent starts checking once remote credentials and candidates are known.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ThrowIfClosed();
            if (_timer is not null)
            {
                return;
            }

            StartReceivingLocked();
            _checkingSince = _time.GetTimestamp();
            _lastLiteCheck = _checkingSince;
            SetState(IceConnectionState.Checking);
            _timer = _time.CreateTimer(static s => ((IceAgent)s!).OnTick(), this, _options.CheckInterval, _options.CheckInterval);
        }

        RaiseEvents();
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_state == IceConnectionState.Closed)
            {
                return;
            }

            SetState(IceConnectionState.Closed);
        }

        RaiseEvents();
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        await DisposeRelaysAsync().ConfigureAwait(false);
        DisposeSockets();
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _datagrams.Writer.TryComplete();
        while (_datagrams.Reader.TryRead(out var d))
        {
            d.Dispose();
        }

        _closing.Dispose();
    }

    private void ThrowIfClosed()
    {
        if (IsTerminal)
        {
            throw new IceException(IceError.Closed, $"The ICE agent is {_state}.");
        }
    }

    /// <summary>Under the lock: records the change; <see cref="RaiseEvents"/> delivers it after the lock is released.</summary>
    private void SetState(IceConnectionState state)
    {
        if (_state == state || (IsTerminal && state != IceConnectionState.Closed))
        {
            return;
        }

        _state = state;
        lock (_eventGate)
        {
            _pendingEvents.Enqueue(state);
        }

        if (state == IceConnectionState.Failed)
        {
            _datagrams.Writer.TryComplete();
        }
    }

    /// <summary>Delivers queued state changes in order, one dispatcher at a time, without holding any lock during the callback.</summary>
    private void RaiseEvents()
    {
        lock (_eventGate)
        {
            if (_dispatching)
            {
                return;
            }

            _dispatching = true;
        }

        try
        {
            while (true)
            {
                IceConnectionState state;
                lock (_eventGate)
                {
                    if (!_pendingEvents.TryDequeue(out state))
                    {
                        _dispatching = false;
                        return;
                    }
                }

                StateChanged?.Invoke(this, state);
            }
        }
        catch
        {
            lock (_eventGate)
            {
                _dispatching = false;
            }

            throw;
        }
    }

    private void DisposeSockets()
    {
        _options.UdpMux?.Unregister(LocalUfrag, this);
        foreach (var s in _sockets)
        {
            if (!s.Shared)
            {
                s.Socket?.Dispose();
            }
        }
    }
}
