// Spec: https://github.com/libp2p/specs/blob/master/identify/README.md
using Casto.Stack.Framing;
using Casto.Stack.Hosting;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Google.Protobuf;

namespace Casto.Stack.Protocols.Identify;

/// <summary>
/// <c>/ipfs/id/1.0.0</c> and <c>/ipfs/id/push/1.0.0</c>: tells peers our key, addresses and protocols, and
/// learns theirs into the host's <see cref="PeerStore"/> on every new connection.
/// </summary>
public sealed class IdentifyService
{
    /// <summary>The identify protocol id.</summary>
    public const string Id = "/ipfs/id/1.0.0";

    /// <summary>The identify push protocol id.</summary>
    public const string PushId = "/ipfs/id/push/1.0.0";

    /// <summary>Largest identify message accepted (js-libp2p sends at most 8 KiB).</summary>
    public const int MaxMessageSize = 64 * 1024;

    private readonly CastoHost _host;

    private IdentifyService(CastoHost host) => _host = host;

    /// <summary>Raised when a peer's identify message has been received and stored.</summary>
    public event EventHandler<PeerInfo>? Identified;

    /// <summary>Serves identify on <paramref name="host"/> and identifies every new connection.</summary>
    public static IdentifyService Register(CastoHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var service = new IdentifyService(host);
        host.SetStreamHandler(Id, service.HandleAsync);
        host.SetStreamHandler(PushId, service.HandlePushAsync);
        host.Connected += (_, connection) => _ = service.IdentifyInBackgroundAsync(connection);
        return service;
    }

    /// <summary>Asks the remote to identify itself; stores and returns what it says.</summary>
    public async ValueTask<PeerInfo> IdentifyAsync(PeerConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var context = await connection.NewStreamAsync(Id, cancellationToken).ConfigureAwait(false);
        await using (context.Stream.ConfigureAwait(false))
        {
            await context.Stream.Output.CompleteAsync().ConfigureAwait(false);
            var message = await ReadAsync(context, cancellationToken).ConfigureAwait(false)
                ?? throw new HostException(HostError.ProtocolViolation, "The remote closed identify without a message.");
            return Store(connection, message);
        }
    }

    /// <summary>Sends our current identify message to every connected peer (after our protocols changed).</summary>
    public async ValueTask PushAsync(CancellationToken cancellationToken = default)
    {
        foreach (var connection in _host.Connections)
        {
            try
            {
                var context = await connection.NewStreamAsync(PushId, cancellationToken).ConfigureAwait(false);
                await using (context.Stream.ConfigureAwait(false))
                {
                    LengthPrefixed.WriteMessage(Build(connection), context.Stream.Output);
                    await context.Stream.Output.CompleteAsync().ConfigureAwait(false);
                }
            }
            catch (IOException ex)
            {
                _host.Log.IdentifyFailed(connection.RemotePeer, ex);
            }
        }
    }

    private async Task IdentifyInBackgroundAsync(PeerConnection connection)
    {
        // Off the thread that registered the connection: a dial returns without waiting for identify to start.
        await Task.Yield();
        try
        {
            var info = await IdentifyAsync(connection).ConfigureAwait(false);
            Identified?.Invoke(this, info);
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
        {
            _host.Log.IdentifyFailed(connection.RemotePeer, ex);
        }
    }

    private async ValueTask HandleAsync(StreamContext context, CancellationToken cancellationToken)
    {
        LengthPrefixed.WriteMessage(Build(context.Connection), context.Stream.Output);
        await context.Stream.Output.CompleteAsync().ConfigureAwait(false);
    }

    private async ValueTask HandlePushAsync(StreamContext context, CancellationToken cancellationToken)
    {
        if (await ReadAsync(context, cancellationToken).ConfigureAwait(false) is { } message)
        {
            Identified?.Invoke(this, Store(context.Connection, message));
        }
    }

    private static async ValueTask<Pb.Identify?> ReadAsync(StreamContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await LengthPrefixed.ReadMessageAsync(context.Stream.Input, Pb.Identify.Parser, MaxMessageSize, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new HostException(HostError.ProtocolViolation, $"Malformed identify message from {context.RemotePeer}.", ex);
        }
    }

    private Pb.Identify Build(PeerConnection connection)
    {
        var message = new Pb.Identify
        {
            ProtocolVersion = _host.Options.ProtocolVersion,
            AgentVersion = _host.Options.AgentVersion,
            PublicKey = ByteString.CopyFrom(_host.Identity.PublicKey.Protobuf),
            ObservedAddr = ByteString.CopyFrom(connection.RemoteAddress.Bytes),
        };
        foreach (var address in _host.ListenAddresses)
        {
            message.ListenAddrs.Add(ByteString.CopyFrom(address.Decapsulate(MultiaddrProtocol.P2p).Bytes));
        }

        message.Protocols.AddRange(_host.Protocols);
        return message;
    }

    private PeerInfo Store(PeerConnection connection, Pb.Identify message)
    {
        if (message.HasPublicKey)
        {
            var key = PublicKey.FromProtobuf(message.PublicKey.Span);
            if (!connection.RemotePeer.Matches(key))
            {
                throw new HostException(HostError.ProtocolViolation, $"{connection.RemotePeer} sent the public key of another peer.");
            }
        }

        var info = new PeerInfo(
            connection.RemotePeer,
            [.. message.ListenAddrs.Select(a => TryAddress(a.Span)).OfType<Multiaddr>().Take(PeerStoreLimits.MaxAddressesPerPeer)],
            [.. message.Protocols.Take(PeerStoreLimits.MaxProtocolsPerPeer)],
            message.HasAgentVersion ? message.AgentVersion : null,
            message.HasProtocolVersion ? message.ProtocolVersion : null,
            message.HasObservedAddr ? TryAddress(message.ObservedAddr.Span) : null);
        _host.PeerStore.Update(info);
        return info;
    }

    private static Multiaddr? TryAddress(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Multiaddr.FromBytes(bytes);
        }
        catch (MultiaddrFormatException)
        {
            return null; // addresses of transports we do not know are skipped
        }
    }
}
