// Spec: https://www.rfc-editor.org/rfc/rfc3711 (SRTP), https://www.rfc-editor.org/rfc/rfc7714 (AES-GCM),
//       https://www.rfc-editor.org/rfc/rfc5764#section-4.2 (keys from DTLS-SRTP)
using System.Diagnostics.CodeAnalysis;

namespace Casto.WebRtc.Srtp;

/// <summary>
/// An SRTP/SRTCP cryptographic context for one master key (one direction of a DTLS-SRTP association):
/// session keys derived once, per-SSRC roll-over counters, SRTCP indices and replay windows.
/// </summary>
/// <remarks>
/// <para>
/// Use one context per direction: the local write keys for <c>Protect*</c>, the remote write keys for
/// <c>TryUnprotect*</c> (see <see cref="SrtpKeyingMaterial"/>). Outbound and inbound state are kept apart,
/// so a context used both ways (a loopback) still behaves.
/// </para>
/// <para>
/// Thread-safety: a context is used by one thread at a time (one sender loop or one receiver loop); it reuses
/// its cipher instances and scratch buffers for every packet. Concurrent calls are detected and throw
/// <see cref="InvalidOperationException"/> rather than corrupting state. <see cref="Drops"/> may be read
/// from any thread.
/// </para>
/// <para>
/// Receive path: bad packets never throw. Malformed, unauthenticated, replayed packets and packets of SSRCs
/// beyond <see cref="SrtpOptions.MaxSsrcs"/> return <see langword="false"/> and are counted. ROC, s_l and
/// the replay windows change only after a packet authenticated, so forged packets cannot poison them.
/// </para>
/// </remarks>
internal sealed partial class SrtpContext : IDisposable
{
    private readonly SrtpCipher _cipher;
    private readonly int _replayWindowSize;
    private readonly int _maxSsrcs;
    private readonly Dictionary<uint, SrtpStream> _outbound = [];
    private readonly Dictionary<uint, SrtpStream> _inbound = [];
    private int _busy;
    private bool _disposed;
    private long _malformed;
    private long _authenticationFailed;
    private long _replayed;
    private long _ssrcLimit;

    internal SrtpContext(SrtpProfile profile, SrtpCipher cipher, SrtpOptions? options)
    {
        options ??= new SrtpOptions();
        options.Validate();
        Profile = profile;
        _cipher = cipher;
        _replayWindowSize = options.ReplayWindowSize;
        _maxSsrcs = options.MaxSsrcs;
    }

    /// <summary>The protection profile.</summary>
    public SrtpProfile Profile { get; }

    /// <summary>Bytes <see cref="Protect"/> adds to an RTP packet (the tag).</summary>
    public int RtpOverhead => _cipher.RtpTagLength;

    /// <summary>Bytes <see cref="ProtectRtcp"/> adds to an RTCP packet (E-flag/index word and tag).</summary>
    public int RtcpOverhead => 4 + _cipher.RtcpTagLength;

    /// <summary>Packets dropped by the unprotect methods, by reason.</summary>
    public SrtpDropCounters Drops => new(
        Volatile.Read(ref _malformed),
        Volatile.Read(ref _authenticationFailed),
        Volatile.Read(ref _replayed),
        Volatile.Read(ref _ssrcLimit));

    /// <summary>
    /// Creates a context from a master key and salt, e.g. one half of the keying material exported by
    /// DTLS-SRTP (RFC 5764 §4.2). Throws <see cref="ArgumentException"/> for wrong key or salt lengths.
    /// </summary>
    public static SrtpContext Create(
        SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, SrtpOptions? options = null)
    {
        if (masterKey.Length != profile.KeyLength())
        {
            throw new ArgumentException($"{profile} needs a {profile.KeyLength()}-byte master key.", nameof(masterKey));
        }

        if (masterSalt.Length != profile.SaltLength())
        {
            throw new ArgumentException($"{profile} needs a {profile.SaltLength()}-byte master salt.", nameof(masterSalt));
        }

        options?.Validate();
        return new SrtpContext(profile, SrtpCipher.Create(profile, masterKey, masterSalt), options);
    }

    /// <summary>Releases the cipher instances. The context must not be in use.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _cipher.Dispose();
        }
    }

    /// <summary>Sets the roll-over counter of an SSRC before its first packet, e.g. when joining a running stream (tests, RFC 4568 style re-keying).</summary>
    internal void SetRoc(uint ssrc, uint roc, bool outbound)
    {
        SrtpStream stream = (outbound ? _outbound : _inbound).TryGetValue(ssrc, out SrtpStream? s) ? s : AddStream(ssrc, outbound)!;
        stream.Roc = roc;
    }

    /// <summary>Sets the last SRTCP index sent for an SSRC; the next packet uses <paramref name="index"/> + 1.</summary>
    internal void SetRtcpIndex(uint ssrc, uint index) =>
        (_outbound.TryGetValue(ssrc, out SrtpStream? s) ? s : AddStream(ssrc, outbound: true)!).RtcpIndex = index;

    private SrtpStream? AddStream(uint ssrc, bool outbound)
    {
        Dictionary<uint, SrtpStream> streams = outbound ? _outbound : _inbound;
        if (streams.Count >= _maxSsrcs)
        {
            return null;
        }

        var stream = new SrtpStream(outbound ? 0 : _replayWindowSize);
        streams.Add(ssrc, stream);
        return stream;
    }

    private void Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("An SrtpContext is used by one thread at a time.");
        }
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    [DoesNotReturn]
    private static void ThrowDestinationTooSmall() =>
        throw new ArgumentException("The destination is too small for the packet.", "destination");

    private static void CheckOverlap(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination)
    {
        if (source.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException("Source and destination must be the same memory or not overlap.", nameof(destination));
        }
    }
}
