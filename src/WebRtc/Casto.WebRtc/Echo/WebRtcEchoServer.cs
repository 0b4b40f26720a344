// Spec: https://github.com/sipsorcery/webrtc-echoes/blob/master/doc/EchoTestSpecification.md (server peer)
using System.Text.Json;
using System.Threading.Channels;
using Casto.WebRtc.PeerConnection;
using Casto.WebRtc.Sdp;

namespace Casto.WebRtc.Echo;

/// <summary>
/// The webrtc-echoes server peer without its HTTP front: <see cref="AnswerAsync"/> takes the JSON
/// RTCSessionDescriptionInit offer, answers non-trickle, and the session echoes every RTP packet it receives (with our
/// SSRC). A receive-only peer gets the built-in VP8 clip instead. Sessions are bounded in number and lifetime.
/// </summary>
public sealed partial class WebRtcEchoServer : IAsyncDisposable
{
    private readonly WebRtcEchoOptions _options;
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _sessions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<WebRtcEchoReport> _reports = Channel.CreateBounded<WebRtcEchoReport>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
    private int _sessionCount;
    private bool _disposed;

    /// <summary>Creates the server.</summary>
    public WebRtcEchoServer(WebRtcEchoOptions? options = null)
    {
        _options = options ?? new WebRtcEchoOptions();
        _options.Validate();
    }

    /// <summary>One report per finished session (the latest 256 are kept).</summary>
    public ChannelReader<WebRtcEchoReport> Reports => _reports.Reader;

    /// <summary>Sessions running now.</summary>
    public int ActiveSessions
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>
    /// Answers one offer and starts its session. Throws <see cref="PeerConnectionException"/> with
    /// <see cref="PeerConnectionError.InvalidSdp"/> for a malformed request or offer, and
    /// <see cref="PeerConnectionError.InvalidState"/> when the session limit is reached.
    /// </summary>
    /// <returns>The JSON RTCSessionDescriptionInit answer.</returns>
    public async Task<string> AnswerAsync(string offerJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offerJson);
        string sdp = ParseOffer(offerJson, _options.MaxOfferSize);
        int number;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_sessions.Count >= _options.MaxSessions)
            {
                throw new PeerConnectionException(PeerConnectionError.InvalidState, $"At most {_options.MaxSessions} echo sessions at once.");
            }

            number = ++_sessionCount;
        }

        var pc = new RtcPeerConnection(new RtcPeerConnectionOptions
        {
            Direction = SdpDirection.SendRecv,
            ConnectTimeout = _options.ConnectTimeout,
            LocalAddresses = _options.LocalAddresses,
        });
        string answer;
        try
        {
            pc.SetRemoteDescription(RtcSdpType.Offer, sdp);
            answer = await pc.CreateAnswerAsync(cancellationToken).ConfigureAwait(false);
            pc.SetLocalDescription(RtcSdpType.Answer, answer);
        }
        catch
        {
            await pc.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        lock (_lock)
        {
            var session = Task.Run(() => RunSessionAsync(number, pc, _stop.Token), CancellationToken.None);
            _sessions.Add(session);
            _ = session.ContinueWith(t => Forget(t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return EchoJson.Description("answer", answer);
    }

    private void Forget(Task session)
    {
        lock (_lock)
        {
            _sessions.Remove(session);
        }
    }

    /// <summary>Reads {"type":"offer","sdp":"…"}; throws InvalidSdp for anything else.</summary>
    internal static string ParseOffer(string json, int maxSize)
    {
        if (json.Length > maxSize)
        {
            throw Invalid($"The offer is larger than {maxSize} bytes.");
        }

        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "offer"
                || !root.TryGetProperty("sdp", out var sdp) || sdp.ValueKind != JsonValueKind.String)
            {
                throw Invalid("Expected a JSON RTCSessionDescriptionInit {\"type\":\"offer\",\"sdp\":\"…\"}.");
            }

            return sdp.GetString()!;
        }
        catch (JsonException ex)
        {
            throw Invalid("The request is not JSON: " + ex.Message, ex);
        }
    }

    private static PeerConnectionException Invalid(string message, Exception? inner = null) => new(PeerConnectionError.InvalidSdp, message, inner);

    /// <summary>Closes every session.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] sessions;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            sessions = [.. _sessions];
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(sessions).ConfigureAwait(false);
        _reports.Writer.TryComplete();
        _stop.Dispose();
    }
}
