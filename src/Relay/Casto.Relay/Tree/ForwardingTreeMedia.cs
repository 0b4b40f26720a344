using Casto.Relay.Forwarding;
using Casto.WebRtc.PeerConnection;

namespace Casto.Relay.Tree;

/// <summary>The tree's media over WebRTC: a <see cref="ForwardingNode"/>'s streams and sessions.</summary>
internal sealed class ForwardingTreeMedia(ForwardingNode forwarding) : ITreeMedia
{
    public ForwardingNode Forwarding => forwarding;

    public bool HasSource(string stream) => forwarding.GetStream(stream)?.Source is not null;

    public (uint RtpTimestamp, long ArrivedUnixMicros)? NewestVideo(string stream) => forwarding.GetStream(stream)?.NewestVideo;

    public Casto.WebRtc.Rtcp.RtpClockMapping? VideoClock(string stream) => forwarding.GetStream(stream)?.VideoSourceClock;

    public ResumePoint ResumePoint(string stream) => forwarding.GetStream(stream)?.ResumePoint ?? default;

    public async Task<ITreeLink> PullAsync(string stream, Func<string, CancellationToken, Task<string>> exchange, bool continuesNumbering, CancellationToken cancellationToken) =>
        new Link(await forwarding.PullAsync(stream, exchange, continuesNumbering, cancellationToken).ConfigureAwait(false));

    public async Task<TreeSubscription> SubscribeAsync(string stream, string offer, ResumePoint resume, CancellationToken cancellationToken)
    {
        ForwardingSession session = await forwarding.SubscribeAsync(stream, offer, resume, cancellationToken).ConfigureAwait(false);
        return new TreeSubscription(new Link(session), session.Answer);
    }

    public async Task EndAsync(ITreeLink link)
    {
        try
        {
            await forwarding.EndAsync(((Link)link).Session.Id).ConfigureAwait(false);
        }
        catch (ForwardingException)
        {
            // Already ended (its connection failed or closed).
        }
    }

    private sealed class Link : ITreeLink
    {
        private readonly TaskCompletionSource _firstPacket = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly RtcRtpHandler _onPacket;

        public Link(ForwardingSession session)
        {
            Session = session;
            _onPacket = (_, _) =>
            {
                if (_firstPacket.TrySetResult())
                {
                    session.Connection.RtpReceived -= _onPacket;
                }
            };
            session.Connection.RtpReceived += _onPacket;
            session.Connection.ConnectionStateChanged += (_, state) => StateChanged?.Invoke(Map(state));
        }

        public ForwardingSession Session { get; }

        public Task FirstPacket => _firstPacket.Task;

        public TreeLinkState State => Map(Session.Connection.ConnectionState);

        public event Action<TreeLinkState>? StateChanged;

        public Task WaitConnectedAsync(CancellationToken cancellationToken) => Session.Connection.WaitConnectedAsync(cancellationToken);

        private static TreeLinkState Map(RtcPeerConnectionState state) => state switch
        {
            RtcPeerConnectionState.Connected => TreeLinkState.Connected,
            RtcPeerConnectionState.Disconnected => TreeLinkState.Disconnected,
            RtcPeerConnectionState.Failed => TreeLinkState.Failed,
            RtcPeerConnectionState.Closed => TreeLinkState.Closed,
            _ => TreeLinkState.Connecting,
        };
    }
}
