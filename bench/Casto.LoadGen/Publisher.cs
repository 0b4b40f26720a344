// Spec: https://www.rfc-editor.org/rfc/rfc7741#section-4 (VP8 RTP payload), https://www.rfc-editor.org/rfc/rfc3550#section-5.1
using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtcp;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.LoadGen;

/// <summary>
/// The WHIP publisher: synthetic VP8 at a bitrate and frame rate, packetized like <see cref="RtcClipSender"/>
/// (1,100-byte payloads), each frame's packets sent back to back on a fixed frame clock. The send time of every
/// sequence number is kept in a 65,536-entry array for the subscribers' one-way delay.
/// </summary>
internal sealed class Publisher : IAsyncDisposable
{
    private readonly long[] _sendTimes = new long[65_536];
    private readonly RtcPeerConnection _pc;
    private readonly WhipClient _signalling;
    private readonly Uri _location;
    private readonly MeasurementWindow _window;
    private int _keyframeRequested;
    private long _packetsSent;
    private long _windowPackets;

    private Publisher(RtcPeerConnection pc, WhipClient signalling, Uri location, MeasurementWindow window)
    {
        _pc = pc;
        _signalling = signalling;
        _location = location;
        _window = window;
        _pc.KeyFrameRequested += (_, _) => Volatile.Write(ref _keyframeRequested, 1);
    }

    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>Packets whose send time fell inside the measurement window.</summary>
    public long WindowPackets => Interlocked.Read(ref _windowPackets);

    /// <summary>Frames that started later than one frame interval after their slot (the sender could not keep up).</summary>
    public long LateFrames { get; private set; }

    public RtcpStats GetStats() => _pc.GetStats();

    /// <summary>The Stopwatch timestamp at which <paramref name="sequence"/> was last sent (0 before).</summary>
    public long SendTimeOf(ushort sequence) => Volatile.Read(ref _sendTimes[sequence]);

    public static async Task<Publisher> ConnectAsync(WhipClient signalling, Uri whip, MeasurementWindow window, CancellationToken cancellationToken)
    {
        var pc = new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendOnly, Audio = false });
        try
        {
            string offer = await pc.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
            pc.SetLocalDescription(RtcSdpType.Offer, offer);
            var (answer, location) = await signalling.PostOfferAsync(whip, offer, cancellationToken).ConfigureAwait(false);
            var publisher = new Publisher(pc, signalling, location, window);
            pc.SetRemoteDescription(RtcSdpType.Answer, answer);
            await pc.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            return publisher;
        }
        catch
        {
            await pc.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends until cancelled or the connection ends.</summary>
    public async Task RunAsync(int bitrate, int fps, CancellationToken cancellationToken)
    {
        var source = new SyntheticVp8(bitrate / 8 / fps, keyframeInterval: 2 * fps);
        ushort sequence = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue);
        uint timestamp = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        int pictureId = RandomNumberGenerator.GetInt32(0x8000);
        byte[] packets = [];
        var bounds = new List<(int Offset, int Length)>();
        long frameTicks = Stopwatch.Frequency / fps;
        long due = Stopwatch.GetTimestamp();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                bool key = Interlocked.Exchange(ref _keyframeRequested, 0) == 1;
                packets = Packetize(source.Next(key), pictureId, timestamp, ref sequence, packets, bounds);
                foreach (var (offset, length) in bounds)
                {
                    await SendAsync(packets.AsMemory(offset, length), cancellationToken).ConfigureAwait(false);
                }

                timestamp += (uint)(90_000 / fps);
                pictureId = (pictureId + 1) & 0x7FFF;
                due += frameTicks;
                long wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
                }
                else if (-wait > frameTicks)
                {
                    LateFrames++;
                    due = Stopwatch.GetTimestamp(); // behind by more than a frame: start the clock again
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (PeerConnectionException) when (_pc.ConnectionState is RtcPeerConnectionState.Closed or RtcPeerConnectionState.Failed)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _signalling.DeleteAsync(_location, timeout.Token).ConfigureAwait(false);
        await _pc.DisposeAsync().ConfigureAwait(false);
    }

    private ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
    {
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(packet.Span[2..]);
        long now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _sendTimes[sequence], now);
        if (_window.Contains(now))
        {
            Interlocked.Increment(ref _windowPackets);
        }

        Interlocked.Increment(ref _packetsSent);
        return _pc.SendRtpAsync(packet, cancellationToken);
    }

    private byte[] Packetize(ReadOnlySpan<byte> frame, int pictureId, uint timestamp, ref ushort sequence, byte[] packets, List<(int Offset, int Length)> bounds)
    {
        var header = new RtpHeader { PayloadType = (byte)_pc.VideoPayloadType, Timestamp = timestamp, Ssrc = _pc.Ssrc };
        return RtcClipSender.Packetize(frame, pictureId, header, ref sequence, packets, bounds);
    }
}
