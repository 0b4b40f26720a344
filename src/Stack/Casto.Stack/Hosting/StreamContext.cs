using Casto.Stack.Connections;
using Casto.Stack.Identity;

namespace Casto.Stack.Hosting;

/// <summary>Handles one inbound stream of a registered protocol. The host disposes the stream afterwards.</summary>
public delegate ValueTask StreamHandler(StreamContext context, CancellationToken cancellationToken);

/// <summary>An inbound or outbound stream with its negotiated protocol and its connection.</summary>
public sealed class StreamContext
{
    internal StreamContext(IMuxedStream stream, string protocol, PeerConnection connection)
    {
        Stream = stream;
        Protocol = protocol;
        Connection = connection;
    }

    /// <summary>The stream.</summary>
    public IMuxedStream Stream { get; }

    /// <summary>The negotiated protocol id.</summary>
    public string Protocol { get; }

    /// <summary>The connection the stream runs on.</summary>
    public PeerConnection Connection { get; }

    /// <summary>The remote peer.</summary>
    public PeerId RemotePeer => Connection.RemotePeer;
}
