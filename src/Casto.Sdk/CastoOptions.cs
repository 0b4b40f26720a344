using Casto.Stack.Multiaddrs;
using Microsoft.Extensions.Logging;

namespace Casto.Sdk;

/// <summary>
/// Settings of a <see cref="CastoClient"/>. Every property has a working default: <c>new CastoOptions()</c> watches
/// the stream <c>casto</c> found on the LAN with mDNS. Bindable from configuration
/// (<c>services.AddCasto(configuration)</c> reads the <c>Casto</c> section); multiaddrs are strings there.
/// </summary>
public sealed partial class CastoOptions
{
    /// <summary>The stream to watch or publish: 1-64 letters, digits, '.', '_' or '-'. Default <c>casto</c>.</summary>
    public string Stream { get; set; } = "casto";

    /// <summary>
    /// Star signal servers (multiaddrs such as <c>/ip4/10.0.0.1/tcp/9090/ws</c>) whose room named after the stream
    /// lists the peers carrying it; this peer joins the room too, so others find it. Default: none.
    /// </summary>
    public IList<string> SignalServers { get; } = [];

    /// <summary>
    /// Kademlia DHT peers (<c>/ipfs/kad/1.0.0</c>, any libp2p DHT) or peers known to carry the stream, as
    /// <c>/ip4/…/tcp/…/p2p/PEERID</c>. They turn the DHT on: the peer provides the stream's key there and finds the
    /// stream's other providers as parents, so no signal server is needed; they are also tried as parents directly
    /// (like <c>casto watch --join</c>). A publisher always runs the DHT, so its viewers can bootstrap from it. Default: none.
    /// </summary>
    public IList<string> BootstrapPeers { get; } = [];

    /// <summary>Find and announce on the LAN with mDNS (no server needed). Default <see langword="true"/>.</summary>
    public bool Mdns { get; set; } = true;

    /// <summary>The network interface mDNS uses, by name (<c>eth0</c>) or address; <see langword="null"/> (the default): every interface.</summary>
    public string? MdnsInterface { get; set; }

    /// <summary>Viewers this peer relays the stream to (0: never relays). Default 2.</summary>
    public int MaxChildren { get; set; } = 2;

    /// <summary>
    /// Upload bound in kbit/s (0: none, the default). The tree's child limit is fixed when the peer starts, so the cap
    /// becomes one: at most <c>UploadCapKbps / ExpectedStreamKbps</c> children (and never more than <see cref="MaxChildren"/>).
    /// </summary>
    public int UploadCapKbps { get; set; }

    /// <summary>The stream's bitrate assumed by <see cref="UploadCapKbps"/>, kbit/s. Default 2,500.</summary>
    public int ExpectedStreamKbps { get; set; } = 2500;

    /// <summary>
    /// A libp2p key file (protobuf <c>PrivateKey</c>, as go/js-libp2p and <c>casto id</c> store them), created with a new
    /// Ed25519 key if missing: a stable peer id. Default <see langword="null"/>: a new key per session.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Where the libp2p host listens (TCP multiaddrs such as <c>/ip4/192.168.1.5/tcp/4001</c>); media uses one UDP
    /// port on the first one's address. Default: empty, meaning the machine's first LAN IPv4 address (loopback when
    /// there is none), any port. A signal server's address (<c>/ip4/…/tcp/…/ws/p2p-webrtc-star</c>) makes an app that
    /// cannot be dialled (behind NAT) reachable through the server, so it can relay to other viewers.
    /// </summary>
    public IList<string> ListenAddresses { get; } = [];

    /// <summary>How long <see cref="CastoClient.StartAsync"/> looks for the stream before <see cref="CastoError.StreamNotFound"/>. Default 10 s.</summary>
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A watched stream silent this long (no frame) has ended: <see cref="CastoMedia.Ended"/> is raised and readers finish. Default 10 s.</summary>
    public TimeSpan EndedAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Frames each <see cref="CastoMedia.ReadFramesAsync"/> reader buffers (1-4096). When the reader falls behind, the
    /// oldest buffered frame is dropped (its memory returned) and counted in <see cref="CastoStats.FramesDropped"/>. Default 64.
    /// </summary>
    public int FrameQueueCapacity { get; set; } = 64;

    /// <summary>Largest frame assembled, in bytes (larger ones are dropped and counted as lost). Default 4 MiB.</summary>
    public int MaxFrameSize { get; set; } = 4 << 20;

    /// <summary>Logs of the SDK and the stack under it. Default <see langword="null"/>: none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock of timeouts and statistics. Default <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks every setting; throws <see cref="CastoException"/> (<see cref="CastoError.InvalidOptions"/>) naming the first bad one.</summary>
    public void Validate()
    {
        if (!IsValidStreamName(Stream))
        {
            throw Invalid($"Stream must be 1-64 letters, digits, '.', '_' or '-' (got '{Stream}').");
        }

        Check(MaxChildren is >= 0 and <= 1000, $"MaxChildren must be 0-1000 (got {MaxChildren}).");
        Check(UploadCapKbps >= 0, $"UploadCapKbps must be 0 (no cap) or more (got {UploadCapKbps}).");
        Check(ExpectedStreamKbps > 0, $"ExpectedStreamKbps must be positive (got {ExpectedStreamKbps}).");
        Check(JoinTimeout > TimeSpan.Zero, $"JoinTimeout must be positive (got {JoinTimeout}).");
        Check(EndedAfter > TimeSpan.Zero, $"EndedAfter must be positive (got {EndedAfter}).");
        Check(FrameQueueCapacity is >= 1 and <= 4096, $"FrameQueueCapacity must be 1-4096 (got {FrameQueueCapacity}).");
        Check(MaxFrameSize is >= 1024 and <= 64 << 20, $"MaxFrameSize must be 1 KiB-64 MiB (got {MaxFrameSize}).");
        Check(TimeProvider is not null, "TimeProvider must not be null.");
        Check(KeyFile is null || KeyFile.Trim().Length > 0, "KeyFile must be a path or null (got an empty string).");
        foreach (string s in SignalServers)
        {
            ParseAddress(s, nameof(SignalServers));
        }

        foreach (string s in BootstrapPeers)
        {
            if (ParseAddress(s, nameof(BootstrapPeers)).PeerId is null)
            {
                throw Invalid($"BootstrapPeers entry '{s}' needs its peer id: /ip4/…/tcp/…/p2p/PEERID.");
            }
        }

        foreach (string s in ListenAddresses)
        {
            var a = ParseAddress(s, nameof(ListenAddresses));
            Check(a.ValueOf(MultiaddrProtocol.Tcp) is not null, $"ListenAddresses entry '{s}' must be a TCP address such as /ip4/0.0.0.0/tcp/4001.");
        }
    }

    /// <summary>A viewer needs a way to find the stream (a publisher does not: viewers find it).</summary>
    internal void ValidateForViewer() =>
        Check(Mdns || SignalServers.Count > 0 || BootstrapPeers.Count > 0,
            "Mdns is off and there are no SignalServers or BootstrapPeers: a viewer has no way to find the stream.");

    /// <summary>Whether <paramref name="name"/> is a valid stream name.</summary>
    internal static bool IsValidStreamName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static Multiaddr ParseAddress(string? text, string property)
    {
        try
        {
            return Multiaddr.Parse(text ?? throw new FormatException("null"));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw Invalid($"{property} entry '{text}' is not a multiaddr: {ex.Message}", ex);
        }
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw Invalid(message);
        }
    }

    private static CastoException Invalid(string message, Exception? inner = null) =>
        new(CastoError.InvalidOptions, "CastoOptions." + message, inner);
}
