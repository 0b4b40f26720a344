// Spec: https://www.rfc-editor.org/rfc/rfc9725 (WHIP), https://datatracker.ietf.org/doc/draft-ietf-wish-whep/ (WHEP)
using System.Net;
using Casto.Relay.Forwarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Casto.Relay.Http;

/// <summary>
/// The HTTP face of a <see cref="ForwardingNode"/> on Kestrel: WHIP ingest (<c>POST /whip/STREAM</c> with an
/// <c>application/sdp</c> offer → <c>201 Created</c>, the answer and a <c>Location</c>; <c>DELETE</c> on it ends the
/// session), WHEP egress (<c>POST /whep/STREAM</c>, the same shape), CORS preflight, and a viewer page at
/// <c>/watch?stream=NAME</c>. Errors get a status code and a one-line <c>text/plain</c> reason.
/// </summary>
public sealed partial class WhipServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ForwardingNode _node;
    private readonly WhipServerOptions _options;

    private WhipServer(WebApplication app, ForwardingNode node, WhipServerOptions options)
    {
        _app = app;
        _node = node;
        _options = options;
    }

    /// <summary>The bound HTTP address (e.g. <c>127.0.0.1:8080</c>).</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>Starts serving <paramref name="node"/> on <paramref name="listen"/> (port 0 picks one).</summary>
    public static async Task<WhipServer> StartAsync(
        ForwardingNode node, IPEndPoint listen, WhipServerOptions? options = null, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(listen);
        options ??= new WhipServerOptions();
        options.Validate();
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
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.MaxRequestBodySize = DrainLimit;
            kestrel.Listen(listen);
        });
        var app = builder.Build();
        var server = new WhipServer(app, node, options);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.EndPoint = new IPEndPoint(IPAddress.Parse(address.Host.Trim('[', ']')), address.Port);
        return server;
    }

    /// <summary>Stops accepting requests (sessions are the node's: dispose it separately).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
