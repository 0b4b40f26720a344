// Spec: https://www.rfc-editor.org/rfc/rfc6762#section-3 (224.0.0.251 / ff02::fb, port 5353), §11 (TTL 255)
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casto.Discovery.Mdns;

/// <summary>
/// mDNS on real sockets: one UDP socket per address family bound to the mDNS port with SO_REUSEADDR (so other
/// responders on the host keep working), joined to the group on each chosen interface, multicast loopback on,
/// TTL/hop limit 255. Sends go out once per interface.
/// </summary>
internal sealed partial class UdpMdnsTransport : IMdnsTransport
{
    private static readonly IPAddress GroupV4 = IPAddress.Parse("224.0.0.251");
    private static readonly IPAddress GroupV6 = IPAddress.Parse("ff02::fb");

    private readonly List<Family> _families = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _receivers = [];
    private readonly ILogger _logger;
    private readonly Lock _sendLock = new();
    private DualStackDuplicates? _duplicates;

    private UdpMdnsTransport(ILogger logger) => _logger = logger;

    public static IMdnsTransport Open(MdnsOptions options, MdnsPacketHandler handler, ILogger? logger)
    {
        var transport = new UdpMdnsTransport(logger ?? NullLogger.Instance);
        var interfaces = MdnsInterfaces.Select(options.Interface);
        transport._duplicates = new DualStackDuplicates(options.Dns.MaxMessageSize);
        Exception? lastError = null;
        foreach (var v6 in (ReadOnlySpan<bool>)[false, true])
        {
            if (v6 ? !options.UseIPv6 : !options.UseIPv4)
            {
                continue;
            }

            try
            {
                var family = Family.Open(v6, options.Port, interfaces);
                transport._families.Add(family);
                transport._receivers.Add(transport.ReceiveAsync(family.Socket, handler, options.Dns.MaxMessageSize));
            }
            catch (SocketException ex)
            {
                lastError = ex;
                Log.FamilyUnavailable(transport._logger, ex, v6 ? "IPv6" : "IPv4");
            }
        }

        if (transport._families.Count == 0)
        {
            throw new IOException($"mDNS: cannot open a multicast socket on {options.Interface ?? "any interface"}", lastError);
        }

        return transport;
    }

    public void Send(ReadOnlySpan<byte> packet)
    {
        lock (_sendLock)
        {
            foreach (var family in _families)
            {
                foreach (var index in family.Interfaces)
                {
                    try
                    {
                        family.SelectInterface(index);
                        family.Socket.SendTo(packet, SocketFlags.None, family.Group);
                    }
                    catch (SocketException ex)
                    {
                        Log.SendFailed(_logger, ex, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var family in _families)
        {
            family.Socket.Dispose();
        }

        await Task.WhenAll(_receivers).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ReceiveAsync(Socket socket, MdnsPacketHandler handler, int maxSize)
    {
        await Task.Yield();
        var buffer = ArrayPool<byte>.Shared.Rent(maxSize + 1);
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult result;
                try
                {
                    result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
                {
                    continue;
                }

                var packet = buffer.AsSpan(0, Math.Min(result.ReceivedBytes, maxSize + 1));
                if (!_duplicates!.IsDuplicate(socket.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0, packet))
                {
                    handler(packet);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
