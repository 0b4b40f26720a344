// Spec: https://www.rfc-editor.org/rfc/rfc6347#section-4.1 (records over datagrams),
//       https://www.rfc-editor.org/rfc/rfc7983#section-7 (DTLS first byte 20–63 on a shared socket)
using System.Buffers;
using Org.BouncyCastle.Tls;

namespace Casto.WebRtc.Dtls;

/// <summary>
/// BouncyCastle's <see cref="DatagramTransport"/> over a bounded in-memory queue: the ICE/demux layer pushes
/// received DTLS datagrams with <see cref="TryEnqueue"/>; sends go to a callback.
/// </summary>
/// <remarks>
/// <para>
/// The one exception to the async style: BouncyCastle's DTLS state machine calls <c>Receive</c> and
/// blocks for up to <c>waitMillis</c>, so it runs on a dedicated thread (see <see cref="DtlsSrtpTransport"/>).
/// <c>Send</c> completes the send callback synchronously on that thread.
/// </para>
/// <para>
/// Datagrams are copied into <see cref="ArrayPool{T}"/> buffers; when the queue is full, or a datagram is larger
/// than <see cref="MaxDatagramSize"/>, it is dropped and counted (DTLS retransmits).
/// </para>
/// </remarks>
internal sealed class QueuedDatagramTransport : DatagramTransport
{
    /// <summary>Largest datagram accepted from the network.</summary>
    public const int MaxDatagramSize = 2048;

    private readonly Queue<(byte[] Buffer, int Length)> _queue = new();
    private readonly Func<ReadOnlyMemory<byte>, ValueTask> _send;
    private readonly int _capacity;
    private readonly int _mtu;
    private DtlsError? _abortError;
    private bool _closed;
    private long _dropped;

    /// <summary>Creates the transport.</summary>
    public QueuedDatagramTransport(Func<ReadOnlyMemory<byte>, ValueTask> send, int capacity, int mtu)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, DtlsOptions.MinMtu);
        _send = send;
        _capacity = capacity;
        _mtu = mtu;
    }

    /// <summary>Datagrams dropped because the queue was full, closed or they were too large.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Datagrams queued and not read yet.</summary>
    public int Pending
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Whether <see cref="Close"/> or <see cref="Abort"/> was called.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_queue)
            {
                return _closed;
            }
        }
    }

    /// <summary>Queues a received DTLS datagram (copied). Returns <see langword="false"/> when it was dropped.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty || datagram.Length > MaxDatagramSize)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        lock (_queue)
        {
            if (_closed || _queue.Count >= _capacity)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }

            byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
            datagram.CopyTo(buffer);
            _queue.Enqueue((buffer, datagram.Length));
            Monitor.Pulse(_queue);
        }

        return true;
    }

    /// <summary>Closes the transport so a blocked <c>Receive</c> throws <see cref="DtlsException"/> with <paramref name="error"/>.</summary>
    public void Abort(DtlsError error)
    {
        lock (_queue)
        {
            _abortError ??= error;
            CloseLocked();
        }
    }

    /// <inheritdoc/>
    public int GetReceiveLimit() => MaxDatagramSize;

    /// <inheritdoc/>
    public int GetSendLimit() => _mtu;

    /// <summary>
    /// Copies the next datagram into <paramref name="buf"/>, waiting up to <paramref name="waitMillis"/> (zero waits
    /// without limit, as <see cref="DatagramReceiver"/> specifies; negative does not wait); returns -1 on timeout and
    /// throws <see cref="DtlsException"/> once closed.
    /// </summary>
    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <inheritdoc cref="Receive(byte[], int, int, int)"/>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        (byte[] Buffer, int Length) item;
        lock (_queue)
        {
            if (waitMillis == 0)
            {
                while (_queue.Count == 0 && !_closed)
                {
                    Monitor.Wait(_queue);
                }
            }
            else if (_queue.Count == 0 && !_closed && waitMillis > 0)
            {
                Monitor.Wait(_queue, waitMillis);
            }

            if (_closed)
            {
                DtlsError error = _abortError ?? DtlsError.Closed;
                throw new DtlsException(error, error == DtlsError.HandshakeTimeout ? "The DTLS handshake timed out." : "The DTLS transport is closed.");
            }

            if (!_queue.TryDequeue(out item))
            {
                return -1;
            }
        }

        int n = Math.Min(buffer.Length, item.Length);
        item.Buffer.AsSpan(0, n).CopyTo(buffer);
        ArrayPool<byte>.Shared.Return(item.Buffer);
        return n;
    }

    /// <summary>Sends one datagram through the callback and waits for it to complete.</summary>
    public void Send(byte[] buf, int off, int len) => SendCore(buf.AsMemory(off, len));

    /// <summary>As <see cref="Send(byte[], int, int)"/>; copies <paramref name="buffer"/> into a pooled array first (BouncyCastle's record layer sends arrays).</summary>
    public void Send(ReadOnlySpan<byte> buffer)
    {
        byte[] copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(copy);
            SendCore(copy.AsMemory(0, buffer.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <inheritdoc/>
    public void Close()
    {
        lock (_queue)
        {
            CloseLocked();
        }
    }

    private void SendCore(ReadOnlyMemory<byte> datagram)
    {
        if (IsClosed)
        {
            return;
        }

        ValueTask pending = _send(datagram);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    private void CloseLocked()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        while (_queue.TryDequeue(out (byte[] Buffer, int Length) item))
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }

        Monitor.PulseAll(_queue);
    }
}
