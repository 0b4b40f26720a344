// Gather sends for the socket's output pipe: what several flushes left in the pipe (several Noise frames in
// several blocks) goes out in one sendmsg instead of one send per block.
using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Casto.Stack.Transports.Tcp;

/// <summary>
/// One reusable <see cref="SocketAsyncEventArgs"/> awaited as a <see cref="ValueTask{TResult}"/>, so a send
/// allocates nothing. One send at a time (the connection's send loop is its only user).
/// </summary>
internal sealed class SocketSender : SocketAsyncEventArgs, IValueTaskSource<int>
{
    /// <summary>Buffers per gather send at most (well under the kernel's IOV_MAX of 1024).</summary>
    internal const int MaxSegments = 64;

    private readonly List<ArraySegment<byte>> _segments = new(MaxSegments);
    private ManualResetValueTaskSourceCore<int> _source;

    public SocketSender()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    /// <summary>
    /// Sends the first segments of <paramref name="buffer"/> (at most <see cref="MaxSegments"/>) in one call;
    /// returns the bytes sent (all of those segments: stream sends complete only when everything is written).
    /// </summary>
    public ValueTask<int> SendAsync(Socket socket, in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            return socket.SendAsync(buffer.First, SocketFlags.None);
        }

        _segments.Clear();
        foreach (var memory in buffer)
        {
            if (!MemoryMarshal.TryGetArray(memory, out var segment))
            {
                // Not array-backed (a custom pool): send what is gathered so far, or this block on its own.
                if (_segments.Count == 0)
                {
                    return socket.SendAsync(memory, SocketFlags.None);
                }

                break;
            }

            _segments.Add(segment);
            if (_segments.Count == MaxSegments)
            {
                break;
            }
        }

        _source.Reset();
        BufferList = _segments;
        if (socket.SendAsync(this))
        {
            return new ValueTask<int>(this, _source.Version);
        }

        return SocketError == SocketError.Success
            ? new ValueTask<int>(BytesTransferred)
            : ValueTask.FromException<int>(new SocketException((int)SocketError));
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success)
        {
            _source.SetResult(BytesTransferred);
        }
        else
        {
            _source.SetException(new SocketException((int)SocketError));
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}
