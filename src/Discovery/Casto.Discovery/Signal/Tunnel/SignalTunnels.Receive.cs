using System.Buffers;

namespace Casto.Discovery.Signal.Tunnel;

/// <content>Routing received frames (from the signal client's receive loop: nothing here waits).</content>
internal sealed partial class SignalTunnels
{
    /// <summary>
    /// Takes an <c>opaque</c> signal from <paramref name="from"/> if it is a tunnel frame (true), else leaves it to the
    /// client's events (false). A tunnel frame that is malformed or for no tunnel of ours is dropped and counted.
    /// </summary>
    public bool TryHandle(Stack.Identity.PeerId from, string data)
    {
        if (!TunnelFrame.LooksLikeTunnel(data))
        {
            return false;
        }

        int max = Options.MaxFramePayload + 16;
        if (data.Length > ((max + 2) / 3 * 4))
        {
            Interlocked.Increment(ref _dropped);
            return true;
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent((data.Length / 4 * 3) + 3);
        try
        {
            if (!Convert.TryFromBase64String(data, bytes, out int length))
            {
                return false; // not base64 after all: someone else's opaque signal
            }

            if (!TunnelFrame.TryRead(bytes.AsSpan(0, length), Options.MaxFramePayload, out TunnelFrame frame))
            {
                if (length > 0 && bytes[0] == TunnelFrame.Magic)
                {
                    Interlocked.Increment(ref _dropped);
                    return true;
                }

                return false;
            }

            try
            {
                Route(from, frame);
            }
            catch (InvalidOperationException)
            {
                // The tunnel was closed by its owner while this frame arrived (its pipe is completed): nothing to do.
                Interlocked.Increment(ref _dropped);
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void Route(Stack.Identity.PeerId from, TunnelFrame frame)
    {
        // A frame from the opener is for the tunnel the remote opened; one from the listener for ours.
        var key = (from, frame.Id, !frame.FromOpener);
        SignalTunnel? tunnel;
        lock (_lock)
        {
            _tunnels.TryGetValue(key, out tunnel);
        }

        if (frame.Type == TunnelFrameType.Open)
        {
            if (frame.FromOpener && tunnel is null)
            {
                Inbound(from, frame.Id);
            }
            else
            {
                Interlocked.Increment(ref _dropped);
            }

            return;
        }

        if (tunnel is null)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        switch (frame.Type)
        {
            case TunnelFrameType.Accept when tunnel.Opener:
                tunnel.OnAccepted();
                break;
            case TunnelFrameType.Data:
                tunnel.OnData(frame.Payload);
                break;
            case TunnelFrameType.Fin:
                tunnel.OnFin();
                break;
            case TunnelFrameType.Reset:
                tunnel.OnReset(System.Text.Encoding.UTF8.GetString(frame.Payload));
                break;
            default:
                Interlocked.Increment(ref _dropped);
                break;
        }
    }

    private void Inbound(Stack.Identity.PeerId from, uint id)
    {
        var accepts = Volatile.Read(ref _accepts);
        SignalTunnel? tunnel = null;
        string? refusal = accepts is null ? "not listening" : null;
        if (refusal is null)
        {
            lock (_lock)
            {
                if (_tunnels.Count >= Options.MaxTunnels)
                {
                    refusal = "too many tunnels";
                }
                else
                {
                    tunnel = new SignalTunnel(this, from, id, opener: false, Local, Address(from));
                    _tunnels[(from, id, false)] = tunnel;
                }
            }
        }

        if (tunnel is not null && !accepts!.Writer.TryWrite(tunnel))
        {
            Remove(tunnel);
            refusal = "accept backlog full";
            tunnel = null;
        }

        if (tunnel is null)
        {
            SendControl(from, new TunnelControl(TunnelFrameType.Reset, false, id, refusal!));
            return;
        }

        tunnel.Start(); // its send loop sends ACCEPT first, in order before any data
    }
}
