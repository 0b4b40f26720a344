using System.IO.Pipelines;

namespace Casto.Stack.Connections;

/// <summary>A stream multiplexer (e.g. <c>/yamux/1.0.0</c>): one method, wrap a connection into a session.</summary>
public interface IStreamMuxer
{
    /// <summary>The multistream-select protocol id.</summary>
    string ProtocolId { get; }

    /// <summary>Starts a session over <paramref name="connection"/>; the session owns it from now on.</summary>
    IMuxedConnection Create(IDuplexConnection connection, bool isInitiator);
}

/// <summary>A multiplexed session: many independent streams over one connection.</summary>
public interface IMuxedConnection : IAsyncDisposable
{
    /// <summary>Opens an outbound stream.</summary>
    ValueTask<IMuxedStream> OpenStreamAsync(CancellationToken cancellationToken = default);

    /// <summary>The next inbound stream, or null once the session has ended.</summary>
    ValueTask<IMuxedStream?> AcceptStreamAsync(CancellationToken cancellationToken = default);

    /// <summary>Completes when the session has ended, with the reason if it failed.</summary>
    Task Completion { get; }

    /// <summary>False once either side sent go-away or the session ended: <see cref="OpenStreamAsync"/> would fail.</summary>
    bool CanOpenStreams { get; }

    /// <summary>Stops accepting new streams (go-away) and closes the session once open streams finish.</summary>
    ValueTask CloseAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// One stream of a session. Completing <see cref="IDuplexPipe.Output"/> half-closes (FIN); reading
/// <see cref="IDuplexPipe.Input"/> to completion means the remote half-closed; <see cref="Reset"/> aborts both ways.
/// </summary>
public interface IMuxedStream : IDuplexPipe, IAsyncDisposable
{
    /// <summary>The stream id within its session.</summary>
    long Id { get; }

    /// <summary>Aborts the stream in both directions (RST).</summary>
    void Reset();
}
