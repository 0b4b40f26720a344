using System.Buffers.Binary;
using System.Diagnostics;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Sdp;

namespace Casto.LoadGen;

/// <summary>
/// One WHEP subscriber: counts the distinct sequence numbers it receives of the packets the publisher sent inside
/// the window, and their one-way delay (receive time − the publisher's send time of that sequence number; both
/// forwarders keep sequence numbers). Counting allocates nothing: a 65,536-bit set and a fixed histogram.
/// </summary>
internal sealed class Subscriber : IAsyncDisposable
{
    private readonly ulong[] _seen = new ulong[65_536 / 64];
    private readonly RtcPeerConnection _pc;
    private readonly Publisher _publisher;
    private readonly MeasurementWindow _window;
    private volatile bool _counting = true;
    private static long s_closeErrors;
    private long _received;
    private long _distinct;

    private Subscriber(RtcPeerConnection pc, Publisher publisher, MeasurementWindow window)
    {
        _pc = pc;
        _publisher = publisher;
        _window = window;
        pc.RtpReceived += OnRtp; // zero-copy, on the connection's receive thread
    }

    public DelayHistogram Delays { get; } = new();

    /// <summary>All RTP packets read, inside the window or not, retransmissions included.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Distinct sequence numbers received of the packets sent inside the window.</summary>
    public long Distinct => Interlocked.Read(ref _distinct);

    public Uri? Location { get; private set; }

    /// <summary>Closes that threw <see cref="ObjectDisposedException"/> (a race inside RtcPeerConnection's close).</summary>
    public static long CloseErrors => Interlocked.Read(ref s_closeErrors);

    /// <summary>Packets waiting to be counted: none, they are counted as they are decrypted (kept for the report's shape).</summary>
    public int Queued => 0;

    public RtcpStats GetStats() => _pc.GetStats();

    /// <summary>The ICE agent's datagrams dropped because its queue to the receive pump was full, and those queued now.</summary>
    public (long QueueFull, int Queued)? IceBacklog => PeerDiagnostics.IceBacklog(_pc);

    /// <summary>Why inbound SRTP packets were refused; null once closed.</summary>
    public Casto.WebRtc.Srtp.SrtpDropCounters? SrtpDrops => PeerDiagnostics.SrtpDrops(_pc);

    public static async Task<Subscriber> JoinAsync(WhipClient signalling, Uri whep, Publisher publisher, MeasurementWindow window, CancellationToken cancellationToken)
    {
        var pc = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly, Audio = false, ReceiveQueueCapacity = 0 });
        var subscriber = new Subscriber(pc, publisher, window);
        try
        {
            string offer = await pc.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
            pc.SetLocalDescription(RtcSdpType.Offer, offer);
            var (answer, location) = await signalling.PostOfferAsync(whep, offer, cancellationToken).ConfigureAwait(false);
            subscriber.Location = location;
            pc.SetRemoteDescription(RtcSdpType.Answer, answer);
            await pc.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            return subscriber;
        }
        catch
        {
            await subscriber.CloseAsync(signalling).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops counting (the histogram and counters are final after this).</summary>
    public Task StopCountingAsync()
    {
        _counting = false;
        return Task.CompletedTask;
    }

    /// <summary>DELETEs the WHEP session (when there is one) and closes the connection.</summary>
    public async Task CloseAsync(WhipClient signalling)
    {
        ArgumentNullException.ThrowIfNull(signalling);
        await StopCountingAsync().ConfigureAwait(false);
        if (Location is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await signalling.DeleteAsync(Location, timeout.Token).ConfigureAwait(false);
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopCountingAsync().ConfigureAwait(false);
        try
        {
            await _pc.DisposeAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // RtcPeerConnection's receive pump can still be unprotecting a packet when close disposes the SRTP
            // context; the close then rethrows it. Counted, not fatal for a benchmark run.
            Interlocked.Increment(ref s_closeErrors);
        }

    }

    private void OnRtp(RtcPeerConnection connection, ReadOnlySpan<byte> rtp)
    {
        if (_counting)
        {
            Count(rtp, Stopwatch.GetTimestamp());
        }
    }

    private void Count(ReadOnlySpan<byte> rtp, long now)
    {
        if (rtp.Length < 12)
        {
            return;
        }

        Interlocked.Increment(ref _received);
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(rtp[2..]);
        long sent = _publisher.SendTimeOf(sequence);
        if (!_window.Contains(sent))
        {
            return;
        }

        ref ulong word = ref _seen[sequence >> 6];
        ulong bit = 1UL << (sequence & 63);
        if ((word & bit) != 0)
        {
            return; // a duplicate or a retransmission of one we have
        }

        word |= bit;
        Interlocked.Increment(ref _distinct);
        Delays.Record(now - sent);
    }
}
