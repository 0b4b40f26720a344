// Shaped after Kestrel's SocketConnection: a receive loop fills the input pipe from the socket, a send loop
// drains the output pipe into it. Pipe pause thresholds give back-pressure in both directions.
using System.IO.Pipelines;
using System.Net.Sockets;
using Casto.Stack.Connections;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Memory;

namespace Casto.Stack.Transports.Tcp;

/// <summary>A connected TCP socket exposed as an <see cref="IDuplexConnection"/>.</summary>
internal sealed class SocketConnection : IDuplexConnection
{
    private readonly Socket _socket;
    private readonly SocketSender _sender = new();
    private readonly int _receiveSize;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _receiving;
    private readonly Task _sending;
    private volatile Exception? _abortReason;

    public SocketConnection(Socket socket, TcpTransportOptions options)
    {
        _socket = socket;
        _receiveSize = Math.Min(options.ReceiveSize, options.MemoryPool?.MaxBufferSize ?? options.ReceiveSize);
        LocalAddress = TcpAddress.ToMultiaddr(socket.LocalEndPoint);
        RemoteAddress = TcpAddress.ToMultiaddr(socket.RemoteEndPoint);
        _input = new Pipe(new PipeOptions(
            pool: options.MemoryPool,
            pauseWriterThreshold: options.MaxReadBufferSize, resumeWriterThreshold: options.MaxReadBufferSize / 2,
            minimumSegmentSize: _receiveSize, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(
            pool: options.MemoryPool,
            pauseWriterThreshold: options.MaxWriteBufferSize, resumeWriterThreshold: options.MaxWriteBufferSize / 2,
            useSynchronizationContext: false));
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
        _ = Task.WhenAll(_receiving, _sending).ContinueWith(
            static (_, state) => ((SocketConnection)state!).Cancel(), this, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public IDuplexPipe Transport { get; }

    public Multiaddr LocalAddress { get; }

    public Multiaddr RemoteAddress { get; }

    public CancellationToken Closed => _closed.Token;

    public void Abort(Exception? reason = null)
    {
        _abortReason = reason ?? new TransportException(TransportError.ConnectionAborted, "The connection was aborted.");
        // Wake both loops; they complete the pipes with the reason (reads fail, writes become no-ops).
        _input.Writer.CancelPendingFlush();
        _output.Reader.CancelPendingRead();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _output.Writer.Complete();
        _input.Reader.Complete();
        try
        {
            // Let the send loop drain what was written, then close.
            await _sending.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _socket.Dispose();
        await _receiving.ConfigureAwait(false);
        Cancel();
        _closed.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        await Task.Yield();
        Exception? error = null;
        var writer = _input.Writer;
        var waitForData = true;
        try
        {
            while (true)
            {
                if (waitForData)
                {
                    // A zero-byte receive waits until the socket is readable without holding a buffer, so an idle
                    // connection holds no receive memory (as Kestrel does).
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                }

                var memory = writer.GetMemory(_receiveSize);
                var received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break; // the remote half-closed
                }

                waitForData = received < memory.Length; // a full buffer means more is probably waiting
                writer.Advance(received);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            error = _abortReason ?? new TransportException(TransportError.ConnectionAborted, "The connection was reset.", ex);
        }
        finally
        {
            writer.Complete(error ?? _abortReason);
        }
    }

    private async Task SendLoopAsync()
    {
        await Task.Yield();
        var reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                while (!buffer.IsEmpty)
                {
                    // Everything buffered goes out in as few system calls as possible (gather I/O).
                    var sent = await _sender.SendAsync(_socket, buffer).ConfigureAwait(false);
                    if (sent <= 0)
                    {
                        throw new SocketException((int)SocketError.ConnectionReset); // never spin on a send that moves nothing
                    }

                    buffer = buffer.Slice(sent);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    _socket.Shutdown(SocketShutdown.Send); // half-close: the remote reads to the end
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            error = _abortReason ?? new TransportException(TransportError.ConnectionAborted, "The connection was reset.", ex);
        }
        finally
        {
            reader.Complete(error ?? _abortReason);
            _sender.Dispose();
        }
    }

    private void Cancel()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
