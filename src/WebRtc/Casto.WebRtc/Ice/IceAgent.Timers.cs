// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-6.1.4.2 (scheduling checks every Ta), §14.3 (RTO), §8.1.1 (regular nomination);
// https://www.rfc-editor.org/rfc/rfc7675#section-5.1 (consent: randomized 4–6 s, expiry after 30 s)
using System.Security.Cryptography;

namespace Casto.WebRtc.Ice;

/// <summary>The timer tick (every Ta): retransmissions, paced checks, nomination, consent freshness, failure.</summary>
internal sealed partial class IceAgent
{
    private void OnTick()
    {
        lock (_gate)
        {
            if (!IsTerminal)
            {
                var now = _time.GetTimestamp();
                if (_selected is not null)
                {
                    TickConsent(now);
                }
                else if (!IsLite)
                {
                    TickChecks(now);
                }
                else if (_time.GetElapsedTime(_checkingSince, now) >= _options.ConnectTimeout)
                {
                    SetState(IceConnectionState.Failed);
                }
            }
        }

        RaiseEvents();
    }

    private void TickChecks(long now)
    {
        if (_time.GetElapsedTime(_checkingSince, now) >= _options.ConnectTimeout)
        {
            SetState(IceConnectionState.Failed);
            return;
        }

        if (_remoteKey is null)
        {
            return;
        }

        // Retransmit or give up on checks in flight (RTO doubles per transmission, capped at 8×).
        foreach (var p in _pairs)
        {
            if (p.State == IcePairState.InProgress && now >= p.NextRetransmit)
            {
                if (p.Transmissions >= _options.MaxCheckTransmissions)
                {
                    FailPair(p, consent: false);
                }
                else
                {
                    Transmit(p, now, retransmit: true);
                }
            }
        }

        Nominate(now);

        // One new check per Ta: triggered queue first, then the highest-priority Waiting pair (§6.1.4.2).
        IceCandidatePair? next = null;
        while (_triggered.TryDequeue(out var t))
        {
            if (t.State == IcePairState.Waiting || (t.UseCandidate && t.State == IcePairState.Succeeded))
            {
                next = t;
                break;
            }
        }

        next ??= _pairs.Find(static p => p.State == IcePairState.Waiting);
        if (next is not null)
        {
            next.Transmissions = 0;
            next.State = IcePairState.InProgress;
            Transmit(next, now, retransmit: false);
        }

        if (_endOfCandidates && _pairs.Count > 0 && _pairs.TrueForAll(static p => p.State == IcePairState.Failed))
        {
            SetState(IceConnectionState.Failed);
        }
    }

    /// <summary>Regular nomination (§8.1.1): the controlling agent repeats the check of the best valid pair with USE-CANDIDATE.</summary>
    private void Nominate(long now)
    {
        if (Role != IceRole.Controlling || _firstValidAt < 0 || _pairs.Exists(static p => p.UseCandidate))
        {
            return;
        }

        var best = BestValidPair();
        if (best is null)
        {
            return;
        }

        // Wait for higher-priority pairs still being checked, but not longer than NominationDelay.
        var pending = _pairs.Exists(p => p.Priority > best.Priority && p.State is IcePairState.Waiting or IcePairState.InProgress);
        if (pending && _time.GetElapsedTime(_firstValidAt, now) < _options.NominationDelay)
        {
            return;
        }

        best.UseCandidate = true;
        best.State = IcePairState.InProgress;
        best.Transmissions = 0;
        Transmit(best, now, retransmit: false);
    }

    private void Transmit(IceCandidatePair pair, long now, bool retransmit)
    {
        pair.Base.Turn?.EnsurePermission(pair.Remote.EndPoint.Address); // no-op once installed; retries a failed CreatePermission
        SendCheck(pair, retransmit);
        var rto = _options.CheckRetransmitTimeout * Math.Min(1 << pair.Transmissions, 8);
        pair.Transmissions++;
        pair.NextRetransmit = now + ToTicks(rto);
    }

    private void TickConsent(long now)
    {
        var pair = _selected!;
        var silence = _time.GetElapsedTime(IsLite ? _lastLiteCheck : pair.LastConsent, now);
        if (silence >= _options.ConsentTimeout)
        {
            // RFC 7675 §5.1: consent expired; stop sending.
            SetState(IceConnectionState.Failed);
            return;
        }

        if (silence >= _options.ConsentDisconnectedTimeout)
        {
            SetState(IceConnectionState.Disconnected);
        }
        else if (_state == IceConnectionState.Disconnected)
        {
            SetState(IceConnectionState.Completed);
        }

        if (!IsLite && _remoteKey is not null && now >= _nextConsent)
        {
            pair.ConsentCheck = true;
            SendCheck(pair, retransmit: false);
            _nextConsent = now + NextConsentDelay();
        }
    }

    /// <summary>ConsentInterval × uniform [0.8, 1.2] (RFC 7675 §5.1: 4–6 s for the default 5 s).</summary>
    private long NextConsentDelay() =>
        ToTicks(_options.ConsentInterval * (0.8 + (RandomNumberGenerator.GetInt32(0, 401) / 1000.0)));

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
