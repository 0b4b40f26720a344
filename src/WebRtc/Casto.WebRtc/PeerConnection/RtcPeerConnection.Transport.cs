// Spec: https://www.rfc-editor.org/rfc/rfc8829#section-5.10 (applying descriptions starts ICE/DTLS),
//       https://www.rfc-editor.org/rfc/rfc8842#section-5 (a=setup → DTLS role), https://www.rfc-editor.org/rfc/rfc9443#section-3 (demux)
using Casto.WebRtc.Demux;
using Casto.WebRtc.Dtls;
using Casto.WebRtc.Ice;
using Casto.WebRtc.Sdp;
using Casto.WebRtc.Srtp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>Connecting (ICE, then DTLS-SRTP over the ICE datagrams), the receive pump, sending and closing.</summary>
public sealed partial class RtcPeerConnection
{
    private const byte DtlsAlertContentType = 21;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>
    /// How long <see cref="CloseAsync"/> lets a DTLS handshake that is under way finish: DTLS retransmits after 1 s,
    /// then 2 s more, so a flight lost twice completes just after 3 s (a loaded CI machine missed a 3 s grace once).
    /// </summary>
    private static readonly TimeSpan CloseHandshakeGrace = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource _iceConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _sendLock = new();
    private QueuedDatagramTransport? _dtlsQueue;
    private DtlsSrtpTransport? _dtls;
    private SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private Task? _pump;
    private Task? _connect;
    private Task? _close;
    private long _undecryptable;

    /// <summary>Received SRTP packets that failed authentication/replay checks.</summary>
    public long UndecryptablePackets => Interlocked.Read(ref _undecryptable);

    /// <summary>
    /// Protects <paramref name="rtpPacket"/> with SRTP and sends it on the selected ICE pair. Throws
    /// <see cref="PeerConnectionException"/> when not connected or the packet cannot be protected; see
    /// <see cref="TrySendRtp(ReadOnlySpan{byte})"/> for the non-throwing path.
    /// </summary>
    public ValueTask SendRtpAsync(ReadOnlyMemory<byte> rtpPacket, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (rtpPacket.Length > MaxRtpPacketSize)
        {
            throw new PeerConnectionException(PeerConnectionError.InvalidState, $"RTP packets are at most {MaxRtpPacketSize} bytes (got {rtpPacket.Length}).");
        }

        SrtpContext outbound = Volatile.Read(ref _outbound)
            ?? throw (ConnectionState == RtcPeerConnectionState.Closed
                ? new PeerConnectionException(PeerConnectionError.Closed, "The peer connection is closed.")
                : State("Not connected yet."));
        if (ConnectionState is not (RtcPeerConnectionState.Connected or RtcPeerConnectionState.Disconnected))
        {
            throw new PeerConnectionException(PeerConnectionError.Closed, $"The peer connection is {ConnectionState}.");
        }

        try
        {
            if (!ProtectAndSend(outbound, _ice!, rtpPacket.Span, default))
            {
                throw new PeerConnectionException(PeerConnectionError.Closed, "Sending failed: no ICE pair, or ICE is closed.");
            }
        }
        catch (SrtpException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.InvalidState, "Cannot protect the RTP packet: " + ex.Message, ex);
        }

        return default;
    }

    /// <summary>Closes: RTCP BYE and DTLS close_notify to the peer, ICE sockets released, the receive queue completed. A DTLS handshake under way is given up to 3 s to finish first, since the peer may already count itself connected. Idempotent.</summary>
    public Task CloseAsync()
    {
        lock (_gate)
        {
            _close ??= CloseCoreAsync();
            return _close;
        }
    }

    private async Task CloseCoreAsync()
    {
        await Task.Yield(); // leave the lock in CloseAsync before running the close
        SetState(RtcPeerConnectionState.Closed);
        Task? connect;
        lock (_gate)
        {
            connect = _connect;
        }

        if (connect is { IsCompleted: false } && _iceConnected.Task.IsCompletedSuccessfully)
        {
            // The DTLS handshake is under way. The server finishes a flight before the client, so the peer may already
            // be connected: give the handshake a bounded moment to end, so the BYE and close_notify below can tell it.
            try
            {
                await connect.WaitAsync(CloseHandshakeGrace, _options.TimeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (connect is not null)
        {
            await connect.ConfigureAwait(false); // ConnectAsync never throws
        }

        await StopRtcpAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _outbound, null);
        Interlocked.Exchange(ref _inbound, null);
        try
        {
            _dtls?.Dispose(); // sends close_notify through the (still open) ICE agent
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
        }

        _dtlsQueue?.Close();
        if (_ice is not null)
        {
            await _ice.DisposeAsync().ConfigureAwait(false);
        }

        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        _received?.Writer.TryComplete();
        _connected.TrySetException(new PeerConnectionException(PeerConnectionError.Closed, "The peer connection was closed."));
        _stop.Dispose();
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    private void StartIfReady()
    {
        lock (_gate)
        {
            if (_connect is not null || _localDescription is null || _remote is null || _ice is null)
            {
                return;
            }

            _dtlsQueue = new QueuedDatagramTransport(SendDtlsAsync, 64, 1200);
            _ice.StateChanged += OnIceStateChanged;
            _pump = Task.Run(() => PumpAsync(_ice, _dtlsQueue, _stop.Token));
            _connect = Task.Run(() => ConnectAsync(_ice, _dtlsQueue, _remote, _stop.Token));
        }
    }

    private async Task ConnectAsync(IceAgent ice, QueuedDatagramTransport dtlsQueue, RtcRemoteParameters remote, CancellationToken cancellationToken)
    {
        try
        {
            SetState(RtcPeerConnectionState.Connecting);
            ice.Start();
            await _iceConnected.Task.WaitAsync(_options.ConnectTimeout, cancellationToken).ConfigureAwait(false);

            // We answered actpass with active (client); as offerer, the answer's active makes us the server.
            var localSetup = _isOfferer ? (remote.Setup == SdpSetup.Active ? SdpSetup.Passive : SdpSetup.Active) : SdpSetup.Active;
            var dtlsOptions = new DtlsOptions
            {
                Role = localSetup == SdpSetup.Active ? DtlsRole.Client : DtlsRole.Server,
                Certificate = _certificate,
                RemoteFingerprint = remote.Fingerprint,
                HandshakeTimeout = _options.ConnectTimeout,
                SrtpOptions = new SrtpOptions { ReplayWindowSize = SrtpReplayWindow },
            };
            var dtls = await DtlsSrtpTransport.HandshakeAsync(dtlsOptions, dtlsQueue, cancellationToken).ConfigureAwait(false);
            Log.DtlsConnected(_logger, _streamId, dtlsOptions.Role);
            _dtls = dtls;
            StartRtcp(); // before the held packets are released, so RTCP counts them too (and knows the remote SSRC)
            ReleaseEarly(dtls.Inbound);
            Volatile.Write(ref _outbound, dtls.Outbound);
            if (SetState(RtcPeerConnectionState.Connected))
            {
                _connected.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or IceException or DtlsException or IOException)
        {
            Log.ConnectFailed(_logger, _streamId, ex.Message);
            if (SetState(RtcPeerConnectionState.Failed))
            {
                _connected.TrySetException(new PeerConnectionException(PeerConnectionError.ConnectFailed, "Connecting failed: " + ex.Message, ex));
            }
        }
    }

    private void OnIceStateChanged(object? sender, IceConnectionState state)
    {
        Log.IceState(_logger, _streamId, state);
        switch (state)
        {
            // DTLS starts on the first valid pair (RFC 8445 §12: media may flow before nomination; Chromium sends
            // its ClientHello then too); the agent keeps a pair on the valid list while nomination re-checks it.
            case IceConnectionState.Connected or IceConnectionState.Completed:
                _iceConnected.TrySetResult();
                OnIceRecovered();
                break;
            case IceConnectionState.Disconnected:
                OnIceDisconnected();
                break;
            case IceConnectionState.Failed:
                _iceConnected.TrySetException(new IceException(IceError.Closed, "ICE failed."));
                Log.IceFailed(_logger, _streamId);
                if (SetState(RtcPeerConnectionState.Failed))
                {
                    _connected.TrySetException(new PeerConnectionException(PeerConnectionError.ConnectFailed, "ICE failed."));
                }

                break;
        }
    }

    private async ValueTask SendDtlsAsync(ReadOnlyMemory<byte> datagram)
    {
        try
        {
            await SendAsync(datagram, CancellationToken.None).ConfigureAwait(false);
        }
        catch (PeerConnectionException)
        {
            // Lost like any datagram; DTLS retransmits.
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        var ice = _ice ?? throw State("Not connected yet.");
        try
        {
            await ice.SendAsync(datagram, cancellationToken).ConfigureAwait(false);
        }
        catch (IceException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.Closed, "Sending failed: " + ex.Message, ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new PeerConnectionException(PeerConnectionError.Closed, "Sending failed: the connection is closed.", ex);
        }
    }
}
