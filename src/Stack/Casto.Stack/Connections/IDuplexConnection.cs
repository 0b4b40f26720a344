// The connection abstractions every layer implements and wraps: transport → secure channel → muxer → protocol.
// Shaped after Kestrel's ConnectionContext (an IDuplexPipe plus addresses and Abort) and go-libp2p's core/.
using System.IO.Pipelines;
using Casto.Stack.Multiaddrs;

namespace Casto.Stack.Connections;

/// <summary>
/// A bidirectional byte stream: a raw transport connection, a secured channel over one, or anything that
/// wraps another connection. Reading <see cref="Transport"/>'s input to completion means the remote closed
/// its side; completing the output half-closes ours.
/// </summary>
public interface IDuplexConnection : IAsyncDisposable
{
    /// <summary>The data, as a pair of pipes.</summary>
    IDuplexPipe Transport { get; }

    /// <summary>Our address on this connection.</summary>
    Multiaddr LocalAddress { get; }

    /// <summary>The remote address (the address we dialed, or the peer's observed address).</summary>
    Multiaddr RemoteAddress { get; }

    /// <summary>Cancelled when the connection is closed or aborted, by either side.</summary>
    CancellationToken Closed { get; }

    /// <summary>Tears the connection down at once; pending reads and writes fail with <paramref name="reason"/>.</summary>
    void Abort(Exception? reason = null);
}
