// Spec: https://www.rfc-editor.org/rfc/rfc9725#section-4.2 (session setup), §4.4 (session termination)
using Casto.WebRtc.Codecs;
using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Forwarding;

/// <summary>Session life: answer the offer, wait for the connection, join the stream, end (idempotent).</summary>
public sealed partial class ForwardingNode
{
    /// <summary>The reservation (pending, and for subscribers the subscriber count) is held by the caller.</summary>
    private Task<ForwardingSession> OpenAsync(
        string stream, string offer, bool isPublisher, CancellationToken cancellationToken, RtcCodec? codec = null, ResumePoint resume = default) =>
        OpenAsync(stream, isPublisher, codec, continuesNumbering: false, resume, async (pc, ct) =>
        {
            pc.SetRemoteDescription(RtcSdpType.Offer, offer);
            string answer = await pc.CreateAnswerAsync(ct).ConfigureAwait(false);
            pc.SetLocalDescription(RtcSdpType.Answer, answer);
            return answer;
        }, cancellationToken);

    /// <summary>We offer to receive <paramref name="stream"/>; <paramref name="exchange"/> carries the offer to the upstream and returns its answer.</summary>
    private Task<ForwardingSession> PullCoreAsync(
        string stream, RtcCodec? codec, Func<string, CancellationToken, Task<string>> exchange, bool continuesNumbering, CancellationToken cancellationToken) =>
        OpenAsync(stream, isPublisher: true, codec, continuesNumbering, default, async (pc, ct) =>
        {
            string offer = await pc.CreateOfferAsync(ct).ConfigureAwait(false);
            pc.SetLocalDescription(RtcSdpType.Offer, offer);
            string answer = await exchange(offer, ct).ConfigureAwait(false);
            pc.SetRemoteDescription(RtcSdpType.Answer, answer);
            return answer;
        }, cancellationToken);

    private async Task<ForwardingSession> OpenAsync(
        string stream, bool isPublisher, RtcCodec? codec, bool continuesNumbering, ResumePoint resume,
        Func<RtcPeerConnection, CancellationToken, Task<string>> negotiate, CancellationToken cancellationToken)
    {
        RtcPeerConnection? pc = null;
        try
        {
            pc = new RtcPeerConnection(ConnectionOptions(isPublisher, codec));
            string answer = await negotiate(pc, cancellationToken).ConfigureAwait(false);
            var session = new ForwardingSession(NewId(), stream, isPublisher, pc, answer) { Resume = resume, ContinuesNumbering = continuesNumbering };
            lock (_gate)
            {
                ThrowIfClosed();
                _sessions.Add(session.Id, session);
                if (isPublisher)
                {
                    _publishing.Remove(stream);
                    if (!_streams.TryGetValue(stream, out ForwardedStream? s))
                    {
                        s = new ForwardedStream(stream, _options.Forwarding);
                        _streams.Add(stream, s);
                    }

                    if (continuesNumbering && s.Source is not null)
                    {
                        session.AttachWhenConnected = true; // make-before-break: the current source flows until this one is up
                    }
                    else
                    {
                        s.SetSource(pc, continuesNumbering);
                    }
                }
            }

            pc.ConnectionStateChanged += (_, state) =>
            {
                if (state is RtcPeerConnectionState.Closed or RtcPeerConnectionState.Failed)
                {
                    _ = EndSessionAsync(session);
                }
            };
            _ = Task.Run(() => WatchAsync(session), CancellationToken.None);
            Log.SessionOpened(_logger, stream, session.Id, isPublisher);
            return session;
        }
        catch (Exception ex) when (ex is PeerConnectionException or ForwardingException or OperationCanceledException or ArgumentException
            or IOException or TimeoutException)
        {
            lock (_gate)
            {
                _pending--;
                _subscribers -= isPublisher ? 0 : 1;
                if (isPublisher)
                {
                    _publishing.Remove(stream);
                }
            }

            if (pc is not null)
            {
                await pc.DisposeAsync().ConfigureAwait(false);
            }

            throw ex switch
            {
                PeerConnectionException { Error: PeerConnectionError.InvalidSdp } => new ForwardingException(ForwardingError.InvalidSdp, ex.Message, ex),
                PeerConnectionException => new ForwardingException(ForwardingError.InvalidSdp, "The offer cannot be answered: " + ex.Message, ex),
                _ => ex,
            };
        }
    }

    /// <summary>Waits for the connection; a subscriber then joins its stream. Not connecting in time ends the session.</summary>
    private async Task WatchAsync(ForwardingSession session)
    {
        bool connected = false;
        try
        {
            await session.Connection.WaitConnectedAsync().WaitAsync(_options.ConnectTimeout).ConfigureAwait(false);
            connected = true;
        }
        catch (Exception ex) when (ex is PeerConnectionException or TimeoutException)
        {
        }

        ForwardedStream? stream = null;
        lock (_gate)
        {
            ReleasePendingLocked(session);
            if (connected && !session.Ended && !session.IsPublisher)
            {
                stream = _streams.GetValueOrDefault(session.Stream);
            }
            else if (connected && !session.Ended && session.AttachWhenConnected)
            {
                _streams.GetValueOrDefault(session.Stream)?.SetSource(session.Connection, session.ContinuesNumbering);
            }
        }

        if (!connected || (!session.IsPublisher && (stream is null || !stream.TryAddSubscriber(session.Connection, session.Resume))))
        {
            await EndSessionAsync(session).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a session once: leaves its stream (a stream with neither publisher nor subscribers goes) and closes the connection.</summary>
    private async Task EndSessionAsync(ForwardingSession session)
    {
        ForwardedStream? drop = null;
        lock (_gate)
        {
            if (session.Ended)
            {
                return;
            }

            session.Ended = true;
            _sessions.Remove(session.Id);
            ReleasePendingLocked(session);

            _subscribers -= session.IsPublisher ? 0 : 1;
            if (_streams.TryGetValue(session.Stream, out ForwardedStream? stream))
            {
                if (session.IsPublisher)
                {
                    stream.RemoveSource(session.Connection);
                }
                else
                {
                    stream.RemoveSubscriber(session.Connection);
                }

                if (stream.Source is null && !_sessions.Values.Any(s => s.Stream == session.Stream))
                {
                    _streams.Remove(session.Stream);
                    drop = stream;
                }
            }
        }

        drop?.Dispose();
        Log.SessionEnded(_logger, session.Stream, session.Id, session.IsPublisher);
        await session.Connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Under the lock: the session no longer counts as a handshake in progress (once).</summary>
    private void ReleasePendingLocked(ForwardingSession session)
    {
        if (session.Pending)
        {
            session.Pending = false;
            _pending--;
        }
    }

    /// <summary>Ends every session and stream; further calls are refused with Closed.</summary>
    public async ValueTask DisposeAsync()
    {
        ForwardingSession[] sessions;
        lock (_gate)
        {
            _closed = true;
            sessions = [.. _sessions.Values];
        }

        await Task.WhenAll(sessions.Select(EndSessionAsync)).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (ForwardedStream s in _streams.Values)
            {
                s.Dispose();
            }

            _streams.Clear();
        }

        _ownedTime?.Dispose();
    }
}
