using System.Net;
using Casto.Relay.Http;

namespace Casto.Sdk;

/// <summary>WHIP ingest: a <see cref="WhipServer"/> on the peer's forwarding node; the encoder is the stream's publisher.</summary>
internal sealed class WhipSource(IPEndPoint endPoint, string? token) : CastoSource
{
    internal override string Describe() => $"WHIP on http://{endPoint}";

    internal override async Task<IAsyncDisposable> StartAsync(CastoPeer peer, CancellationToken cancellationToken)
    {
        try
        {
            return await WhipServer.StartAsync(peer.Peer.Forwarding, endPoint, new WhipServerOptions { WhipToken = token }, peer.Loggers, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new CastoException(CastoError.AddressInUse, $"Cannot serve WHIP on {endPoint}: {ex.Message}", ex);
        }
    }
}
