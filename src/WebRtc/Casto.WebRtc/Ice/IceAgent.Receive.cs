// Spec: https://www.rfc-editor.org/rfc/rfc9443#section-3 (demultiplexing on the ICE 5-tuple)
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Demux;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Ice;

/// <summary>Receive loop, demultiplexing and the upper-layer send path.</summary>
internal sealed partial class IceAgent
{
    /// <summary>
    /// Sends one datagram to the selected pair (or, before nomination, the best validated pair: RFC 8445 §12.1 lets
    /// media flow on a valid pair). No allocation: the remote address is serialized once per candidate.
    /// </summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        IceCandidatePair? pair;
        lock (_gate)
        {
            ThrowIfClosed();
            pair = _selected ?? BestValidPair();
        }

        if (pair is null)
        {
            throw new IceException(IceError.NotConnected, "No selected or validated candidate pair yet.");
        }

        if (pair.Base.Turn is { } turn)
        {
            turn.Send(datagram.Span, pair.Remote.EndPoint); // relayed: synchronous, pooled, lossy like UDP
            return default;
        }

        if (pair.Base.Shared)
        {
            pair.Base.Send(datagram.Span, pair.Remote); // a mux socket takes synchronous calls only (see IceUdpMux)
            return default;
        }

        ValueTask<int> send;
        try
        {
            send = pair.Base.Socket!.SendToAsync(datagram, SocketFlags.None, pair.Remote.SocketAddress, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw new IceException(IceError.Closed, "Sending on the ICE socket failed.", ex);
        }

        // Fast path: UDP sends almost always complete synchronously; no state machine then.
        if (send.IsCompletedSuccessfully)
        {
            _ = send.Result;
            return default;
        }

        return AwaitSendAsync(send);
    }

    /// <summary>
    /// Sends one datagram synchronously on the selected (or best validated) pair, like <see cref="SendAsync"/> but
    /// from a span and without a task: the media hot path. False when there is no pair yet or the agent is closed;
    /// socket errors are swallowed like any datagram loss (the caller counts its drops).
    /// </summary>
    /// <summary>The mux socket and remote address of the selected (or best validated) pair, for batched sends; false when the pair is not on an <see cref="IceUdpMux"/>, or none.</summary>
    internal bool TryGetMuxTarget([NotNullWhen(true)] out Socket? socket, [NotNullWhen(true)] out SocketAddress? remote)
    {
        IceCandidatePair? pair;
        lock (_gate)
        {
            pair = IsTerminal ? null : _selected ?? BestValidPair();
        }

        (socket, remote) = pair is { Base: { Shared: true, Turn: null, Socket: { } shared } } ? (shared, pair.Remote.SocketAddress) : (null, null);
        return socket is not null;
    }

    public bool TrySend(ReadOnlySpan<byte> datagram)
    {
        IceCandidatePair? pair;
        lock (_gate)
        {
            if (IsTerminal)
            {
                return false;
            }

            pair = _selected ?? BestValidPair();
        }

        if (pair is null)
        {
            return false;
        }

        pair.Base.Send(datagram, pair.Remote);
        return true;
    }

    private static async ValueTask AwaitSendAsync(ValueTask<int> send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw new IceException(IceError.Closed, "Sending on the ICE socket failed.", ex);
        }
    }

    private IceCandidatePair? BestValidPair()
    {
        foreach (var p in _pairs)
        {
            if (p.IsValid)
            {
                return p; // _pairs is sorted by priority
            }
        }

        return null;
    }

    private async Task ReceiveLoopAsync(IceBase local, CancellationToken cancellationToken)
    {
        var source = new SocketAddress(local.Socket!.AddressFamily);
        while (!cancellationToken.IsCancellationRequested)
        {
            var buffer = _buffers.Rent();
            var handedOff = false;
            try
            {
                var length = await local.Socket.ReceiveFromAsync(buffer.AsMemory(0, _options.MaxDatagramSize), SocketFlags.None, source, cancellationToken)
                    .ConfigureAwait(false);
                handedOff = OnDatagram(local, buffer, length, source);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.ConnectionRefused)
            {
                // ICMP errors and oversize datagrams: keep receiving.
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            finally
            {
                if (!handedOff)
                {
                    _buffers.Return(buffer);
                }
            }
        }
    }

    /// <summary>
    /// A datagram the <see cref="IceUdpMux"/> routed here, on the mux's receive thread: copied into one of our buffers
    /// and handled like one from our own socket (before <see cref="Start"/>, or after close, it is dropped).
    /// </summary>
    internal void OnMuxDatagram(ReadOnlySpan<byte> data, SocketAddress source)
    {
        if (!Volatile.Read(ref _receiving) || _sockets.Count == 0 || data.Length > _options.MaxDatagramSize)
        {
            return;
        }

        var buffer = _buffers.Rent();
        data.CopyTo(buffer);
        if (!OnDatagram(_sockets[0], buffer, data.Length, source))
        {
            _buffers.Return(buffer);
        }
    }

    /// <summary>Returns true when the buffer was handed to the consumer (who then returns it to the pool).</summary>
    private bool OnDatagram(IceBase local, byte[] buffer, int length, SocketAddress source)
    {
        var data = buffer.AsSpan(0, length);
        if (!IsUsable(local))
        {
            Interlocked.Increment(ref Counters._unvalidatedSource); // relay-only: host sockets neither answer nor forward
            return false;
        }

        var kind = PacketClassifier.Classify(data);
        if (kind == PacketKind.Stun)
        {
            OnStun(local, data, source);
            return false;
        }

        if (kind is PacketKind.Unknown or PacketKind.TurnChannel or PacketKind.Zrtp or PacketKind.Quic)
        {
            Interlocked.Increment(ref Counters._unknownDatagrams);
            return false;
        }

        IceCandidate? remote;
        lock (_gate)
        {
            remote = IsTerminal ? null : FindRemote(source);
            if (remote is { Validated: true })
            {
                _lastSource = remote;
            }
        }

        if (remote is not { Validated: true })
        {
            Interlocked.Increment(ref Counters._unvalidatedSource);
            return false;
        }

        if (!_datagrams.Writer.TryWrite(new IceDatagram(_buffers, buffer, length, remote.EndPoint, kind, _time.GetTimestamp())))
        {
            Interlocked.Increment(ref Counters._queueFull);
            return false;
        }

        Interlocked.Increment(ref Counters._forwarded);
        return true;
    }

    private void OnStun(IceBase local, ReadOnlySpan<byte> data, SocketAddress source)
    {
        try
        {
            if (!StunMessage.TryRead(data, out var message))
            {
                Interlocked.Increment(ref Counters._malformedStun);
                return;
            }

            if (message.HasFingerprint && !message.VerifyFingerprint())
            {
                Interlocked.Increment(ref Counters._malformedStun);
                return;
            }

            if (message.Method != StunMethod.Binding)
            {
                Interlocked.Increment(ref Counters._unauthenticatedStun);
                return;
            }

            lock (_gate)
            {
                if (IsTerminal)
                {
                    return;
                }

                switch (message.Class)
                {
                    case StunClass.Request:
                        OnRequest(local, message, source);
                        break;
                    case StunClass.SuccessResponse:
                    case StunClass.ErrorResponse:
                        if (!CompleteGatherLocked(message))
                        {
                            OnResponse(local, message, source);
                        }

                        break;
                    default:
                        break; // Binding indications are keepalives (RFC 8445 §11).
                }
            }
        }
        catch (StunException)
        {
            Interlocked.Increment(ref Counters._malformedStun);
        }

        RaiseEvents();
    }

    private static IPEndPoint ToEndPoint(IceBase local, SocketAddress address) =>
        (IPEndPoint)local.Candidate.EndPoint.Create(address);
}
