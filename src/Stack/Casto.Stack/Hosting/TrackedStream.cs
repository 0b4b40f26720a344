using System.IO.Pipelines;
using Casto.Stack.Connections;

namespace Casto.Stack.Hosting;

/// <summary>An outbound stream that tells its connection when it ends (reset or disposed), for the connection manager's stream count.</summary>
internal sealed class TrackedStream(IMuxedStream inner, PeerConnection connection) : IMuxedStream
{
    private int _ended;

    public long Id => inner.Id;

    public PipeReader Input => inner.Input;

    public PipeWriter Output => inner.Output;

    public void Reset()
    {
        inner.Reset();
        End();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            End();
        }
    }

    private void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            connection.StreamClosed();
        }
    }
}
