using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Casto.Relay.Forwarding;
using Casto.Relay.Http;
using Casto.WebRtc.Codecs;
using Casto.WebRtc.Ice;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Rtp;
using Casto.WebRtc.Sdp;

namespace Casto.Relay.Tests;

/// <summary>A forwarding node with its WHIP/WHEP endpoint on 127.0.0.1, and C# publishers/subscribers speaking real WHIP/WHEP to it.</summary>
internal sealed class RelayHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly List<IAsyncDisposable> _owned = [];

    private RelayHarness(ForwardingNode node, WhipServer server)
    {
        Node = node;
        Server = server;
        Http = new HttpClient { BaseAddress = new Uri($"http://{server.EndPoint}/"), Timeout = Timeout };
    }

    public ForwardingNode Node { get; }

    public WhipServer Server { get; }

    public HttpClient Http { get; }

    /// <summary>The node's shared UDP socket, or null when its sessions bind their own.</summary>
    public IceUdpMux? Mux { get; private set; }

    /// <summary>Starts a node (on one shared UDP port unless <paramref name="mux"/> is false) and its HTTP endpoint.</summary>
    public static async Task<RelayHarness> StartAsync(ForwardingNodeOptions? node = null, WhipServerOptions? server = null, bool mux = true)
    {
        node ??= new ForwardingNodeOptions();
        IceUdpMux? shared = mux ? IceUdpMux.Bind(new IPEndPoint(IPAddress.Loopback, 0)) : null;
        node.UdpMux = shared;
        var n = new ForwardingNode(node);
        var s = await WhipServer.StartAsync(n, new IPEndPoint(IPAddress.Loopback, 0), server);
        return new RelayHarness(n, s) { Mux = shared };
    }

    /// <summary>POSTs an SDP offer; returns the response (caller disposes).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string sdp, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(sdp, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Offers <paramref name="pc"/> to <paramref name="path"/> and applies the answer; returns the Location.</summary>
    public async Task<Uri> NegotiateAsync(RtcPeerConnection pc, string path, string? token = null)
    {
        string offer = await pc.CreateOfferAsync();
        pc.SetLocalDescription(RtcSdpType.Offer, offer);
        using var response = await PostAsync(path, offer, token);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/sdp", response.Content.Headers.ContentType?.MediaType);
        pc.SetRemoteDescription(RtcSdpType.Answer, body);
        return new Uri(Http.BaseAddress!, response.Headers.Location!);
    }

    /// <summary>A connected WHIP publisher of VP8 (no audio) for <paramref name="stream"/>.</summary>
    public async Task<RtcPeerConnection> PublishAsync(string stream, string? token = null, RtcCodec codec = RtcCodec.Vp8, TimeProvider? time = null)
    {
        var pc = Own(new RtcPeerConnection(new RtcPeerConnectionOptions
        {
            Direction = SdpDirection.SendOnly, Audio = false, ReceiveQueueCapacity = 0, VideoCodecs = [codec],
            TimeProvider = time ?? TimeProvider.System,
        }));
        await NegotiateAsync(pc, "whip/" + stream, token);
        await pc.WaitConnectedAsync().WaitAsync(Timeout);
        return pc;
    }

    /// <summary>A WHEP subscriber counting what it receives; connected and joined (the node has added it) on return.</summary>
    public async Task<Subscriber> SubscribeAsync(string stream, RtcPeerConnectionOptions? options = null, bool waitJoined = true)
    {
        var pc = Own(new RtcPeerConnection(options ?? new RtcPeerConnectionOptions { Direction = SdpDirection.RecvOnly, Audio = false, ReceiveQueueCapacity = 0 }));
        var subscriber = new Subscriber(pc);
        await NegotiateAsync(pc, "whep/" + stream);
        await pc.WaitConnectedAsync().WaitAsync(Timeout);
        if (waitJoined)
        {
            await WaitUntilAsync(() => Node.GetStream(stream)?.SubscriberCount >= 1);
        }

        return subscriber;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for a condition.");
            await Task.Delay(20);
        }
    }

    public T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        lock (_owned)
        {
            _owned.Add(disposable);
        }

        return disposable;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _owned)
        {
            await d.DisposeAsync();
        }

        await Server.DisposeAsync();
        await Node.DisposeAsync();
        if (Mux is not null)
        {
            await Mux.DisposeAsync();
        }

        Http.Dispose();
    }

    /// <summary>What one subscriber got: distinct sequence numbers, the first packet's key frame flag, its SSRCs.</summary>
    internal sealed class Subscriber
    {
        private readonly HashSet<ushort> _sequences = [];
        private int _firstIsKeyFrame = -1;

        public Subscriber(RtcPeerConnection connection)
        {
            Connection = connection;
            connection.RtpReceived += OnRtp;
        }

        public RtcPeerConnection Connection { get; }

        public uint? Ssrc { get; private set; }

        public bool? FirstIsKeyFrame => _firstIsKeyFrame < 0 ? null : _firstIsKeyFrame == 1;

        public long FirstPacketAt { get; private set; }

        /// <summary>The RTP timestamp of the latest packet, or null before one.</summary>
        public uint? LastTimestamp { get; private set; }

        public int Count
        {
            get
            {
                lock (_sequences)
                {
                    return _sequences.Count;
                }
            }
        }

        private void OnRtp(RtcPeerConnection pc, ReadOnlySpan<byte> packet)
        {
            if (!RtpPacket.TryRead(packet, out RtpHeader header, out ReadOnlySpan<byte> payload))
            {
                return;
            }

            lock (_sequences)
            {
                if (_firstIsKeyFrame < 0)
                {
                    _firstIsKeyFrame = KeyFrames.IsKeyFrameStart(pc.VideoCodec, payload) ? 1 : 0;
                    FirstPacketAt = Environment.TickCount64;
                }

                Ssrc = header.Ssrc;
                LastTimestamp = header.Timestamp;
                _sequences.Add(header.SequenceNumber);
            }
        }
    }
}
