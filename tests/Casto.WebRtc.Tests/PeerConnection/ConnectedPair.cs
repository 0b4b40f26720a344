using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Tests.PeerConnection;

/// <summary>A sendonly and a recvonly connection on 127.0.0.1, negotiated in-process and connected; both closed on dispose.</summary>
internal sealed class ConnectedPair : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private ConnectedPair(RtcPeerConnection sender, RtcPeerConnection receiver) => (Sender, Receiver) = (sender, receiver);

    public RtcPeerConnection Sender { get; }

    public RtcPeerConnection Receiver { get; }

    /// <summary>Connects a sender (offerer) to a receiver made with <paramref name="receiver"/> (RecvOnly is set here); <paramref name="beforeConnect"/> runs before negotiation.</summary>
    public static async Task<ConnectedPair> StartAsync(RtcPeerConnectionOptions? receiver = null, Action<RtcPeerConnection, RtcPeerConnection>? beforeConnect = null)
    {
        var options = receiver ?? new RtcPeerConnectionOptions();
        options.Direction = SdpDirection.RecvOnly;
        options.Audio = false;
        var pair = new ConnectedPair(new RtcPeerConnection(new RtcPeerConnectionOptions { Direction = SdpDirection.SendOnly, Audio = false }), new RtcPeerConnection(options));
        try
        {
            beforeConnect?.Invoke(pair.Sender, pair.Receiver);
            string offer = await pair.Sender.CreateOfferAsync();
            pair.Sender.SetLocalDescription(RtcSdpType.Offer, offer);
            pair.Receiver.SetRemoteDescription(RtcSdpType.Offer, offer);
            string answer = await pair.Receiver.CreateAnswerAsync();
            pair.Receiver.SetLocalDescription(RtcSdpType.Answer, answer);
            pair.Sender.SetRemoteDescription(RtcSdpType.Answer, answer);
            await Task.WhenAll(pair.Sender.WaitConnectedAsync(), pair.Receiver.WaitConnectedAsync()).WaitAsync(Timeout);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>A VP8-typed RTP packet from <paramref name="sender"/> with <paramref name="payloadLength"/> patterned payload bytes.</summary>
    public static byte[] Rtp(RtcPeerConnection sender, ushort sequence, int payloadLength = 100)
    {
        var header = new RtpHeader { PayloadType = (byte)sender.VideoPayloadType, SequenceNumber = sequence, Timestamp = 3000u * sequence, Ssrc = sender.Ssrc };
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(sequence + (i * 7));
        }

        byte[] packet = new byte[RtpPacket.GetSize(header, payload.Length)];
        RtpPacket.Write(header, payload, packet);
        return packet;
    }

    /// <summary>Polls <paramref name="condition"/> every 10 ms; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {timeout.TotalSeconds:F1} s: {what()}");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sender.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
