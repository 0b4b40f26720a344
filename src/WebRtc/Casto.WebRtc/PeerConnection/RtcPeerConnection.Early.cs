// Spec: https://www.rfc-editor.org/rfc/rfc5764#section-4.1 (SRTP keys come from the DTLS handshake)
using Casto.WebRtc.Srtp;

namespace Casto.WebRtc.PeerConnection;

/// <summary>
/// SRTP that arrives before our side of the DTLS handshake has finished. As DTLS client we learn the keys one flight
/// after the server, which may already be sending media (Chromium sends its first keyframe at once): those packets
/// are held, bounded, and unprotected in order once the keys exist, instead of being lost.
/// </summary>
public sealed partial class RtcPeerConnection
{
    private const int MaxEarlyPackets = 256;
    private readonly Lock _earlyLock = new();
    private readonly Queue<byte[]> _early = new();
    private long _earlyDropped;

    /// <summary>SRTP packets dropped because they arrived before the keys and the early queue was full.</summary>
    public long EarlyPacketsDropped => Interlocked.Read(ref _earlyDropped);

    /// <summary>Holds a copy of <paramref name="srtp"/> unless the keys arrived meanwhile (then returns them).</summary>
    private bool TryHoldEarly(ReadOnlySpan<byte> srtp, out SrtpContext? inbound)
    {
        lock (_earlyLock)
        {
            inbound = Volatile.Read(ref _inbound);
            if (inbound is not null)
            {
                return true;
            }

            if (_early.Count < MaxEarlyPackets && Volatile.Read(ref _dtlsQueue) is not null)
            {
                _early.Enqueue(srtp.ToArray());
            }
            else
            {
                Interlocked.Increment(ref _earlyDropped);
            }

            return false;
        }
    }

    /// <summary>Publishes the inbound keys and unprotects what was held, in arrival order.</summary>
    private void ReleaseEarly(SrtpContext inbound)
    {
        lock (_earlyLock)
        {
            while (_early.TryDequeue(out var packet))
            {
                Unprotect(inbound, packet);
            }

            Volatile.Write(ref _inbound, inbound);
        }
    }
}
