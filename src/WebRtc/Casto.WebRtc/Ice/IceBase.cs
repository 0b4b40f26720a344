// Spec: https://www.rfc-editor.org/rfc/rfc8445#section-5.1.1 (bases: a host socket, or the relayed address of a TURN allocation)
using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Turn;

namespace Casto.WebRtc.Ice;

/// <summary>
/// A local base checks and data are sent from: a host UDP socket, or a TURN allocation whose relayed address is the
/// candidate (RFC 8445 §5.1.1.2). Sends are lossy like UDP: socket errors are swallowed (retransmission/consent cope).
/// </summary>
internal sealed class IceBase
{
    public IceBase(Socket socket, IceCandidate candidate, bool shared = false)
    {
        Socket = socket;
        Candidate = candidate;
        Shared = shared;
    }

    /// <summary>The socket belongs to an <see cref="IceUdpMux"/>: the mux receives on it and closes it, not the agent.</summary>
    public bool Shared { get; }

    public IceBase(TurnClient turn, IceCandidate candidate)
    {
        Turn = turn;
        Candidate = candidate;
    }

    public IceCandidate Candidate { get; }

    /// <summary>The host socket, or null for a relayed base.</summary>
    public Socket? Socket { get; }

    /// <summary>The TURN allocation of a relayed base, or null.</summary>
    public TurnClient? Turn { get; }

    /// <summary>Sends one datagram to <paramref name="remote"/> (no allocation on either path).</summary>
    public void Send(ReadOnlySpan<byte> datagram, IceCandidate remote)
    {
        if (Turn is not null)
        {
            Turn.Send(datagram, remote.EndPoint);
            return;
        }

        Send(datagram, remote.SocketAddress);
    }

    /// <summary>Sends to an address that may not be a known candidate (error responses).</summary>
    public void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (Turn is not null)
        {
            Turn.Send(datagram, (IPEndPoint)Candidate.EndPoint.Create(destination));
            return;
        }

        try
        {
            Socket!.SendTo(datagram, SocketFlags.None, destination);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Lost like any datagram.
        }
    }
}
