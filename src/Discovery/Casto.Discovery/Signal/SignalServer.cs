// Spec: docs/signal-protocol.md (Casto star signalling, JSON text frames over WebSocket)
using System.Net;
using Casto.Stack.Multiaddrs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Discovery.Signal;

/// <summary>
/// The star signalling server: peers connect over WebSocket (Kestrel), prove their peer id, join rooms, see who
/// joins and leaves, and relay signalling messages to each other. Embeddable: <see cref="StartAsync"/> in any process.
/// </summary>
public sealed partial class SignalServer : IAsyncDisposable
{
    private readonly SignalServerOptions _options;
    private readonly SignalLog _log;
    private readonly WebApplication _app;
    private ITimer? _heartbeat;
    private string _serverName = "";

    private SignalServer(SignalServerOptions options, WebApplication app, ILogger logger)
    {
        _options = options;
        _app = app;
        _log = new SignalLog(logger);
        PingFrame = SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Ping });
        PongFrame = SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Pong });
    }

    /// <summary>The bound addresses, e.g. <c>/ip4/127.0.0.1/tcp/PORT/ws/p2p-webrtc-star</c>.</summary>
    public IReadOnlyList<Multiaddr> Addresses { get; private set; } = [];

    internal SignalServerOptions Options => _options;

    internal SignalLog Log => _log;

    internal byte[] PingFrame { get; }

    internal byte[] PongFrame { get; }

    /// <summary>The address challenges are bound to (the first bound address).</summary>
    internal string ServerName => _serverName;

    /// <summary>Starts a server listening on <paramref name="listen"/> (<c>/ip4|ip6/ADDR/tcp/PORT/ws</c>, port 0 picks one).</summary>
    public static async Task<SignalServer> StartAsync(
        SignalServerOptions? options, Multiaddr listen, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        options ??= new SignalServerOptions();
        options.Validate();
        var endPoint = SignalAddress.ToListenEndPoint(listen);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = options.MaxPeers + (long)options.MaxPendingConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxPeers + (long)options.MaxPendingConnections;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Listen(endPoint);
        });
        var app = builder.Build();
        var logger = (ILogger?)loggerFactory?.CreateLogger("Casto.Discovery.Signal") ?? NullLogger.Instance;
        var server = new SignalServer(options, app, logger);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        server.Addresses = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Select(a => SignalAddress.FromEndPoint(ToEndPoint(new Uri(a))))];
        server._serverName = server.Addresses[0].ToString();
        server._heartbeat = options.TimeProvider.CreateTimer(_ => server.Tick(), null, options.HeartbeatInterval, options.HeartbeatInterval);
        foreach (var address in server.Addresses)
        {
            server._log.Listening(address.ToString());
        }

        return server;
    }

    private static IPEndPoint ToEndPoint(Uri uri) => new(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        var remote = context.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped
            ? mapped.MapToIPv4()
            : context.Connection.RemoteIpAddress;
        if (TryAddPending(remote) is { } refusal)
        {
            _log.Refused(refusal == StatusCodes.Status429TooManyRequests
                ? $"{_options.MaxConnectionsPerAddress} connections from {remote} already"
                : "too many pending connections or shutting down");
            context.Response.StatusCode = refusal;
            return;
        }

        SignalSession session;
        try
        {
            var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            session = new SignalSession(this, socket) { RemoteAddress = remote };
        }
        catch
        {
            RemovePending(remote);
            throw;
        }

        Track(session);
        await session.RunAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Heartbeat tick: pings registered peers, closes the silent ones and those that did not register in time.</summary>
    private void Tick()
    {
        var now = _options.TimeProvider.GetTimestamp();
        foreach (var session in Snapshot())
        {
            session.Tick(now);
        }
    }

    /// <summary>Stops listening, tells every peer the server is shutting down and waits for their connections to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!MarkDisposed())
        {
            return;
        }

        _heartbeat?.Dispose();
        foreach (var session in Snapshot())
        {
            session.Close(SignalError.ShuttingDown, "server shutting down");
        }

        using var timeout = new CancellationTokenSource(_options.CloseTimeout + TimeSpan.FromSeconds(1));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>An embedded server does not own the process: no console or signal handling (the host process decides).</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
