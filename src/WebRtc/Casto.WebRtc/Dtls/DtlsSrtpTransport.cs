// Spec: https://www.rfc-editor.org/rfc/rfc6347 (DTLS 1.2), https://www.rfc-editor.org/rfc/rfc5764 (DTLS-SRTP),
//       https://www.rfc-editor.org/rfc/rfc5763 + https://www.rfc-editor.org/rfc/rfc8842 (roles, fingerprints)
using System.Security.Cryptography;
using Casto.WebRtc.Srtp;
using Org.BouncyCastle.Tls;

namespace Casto.WebRtc.Dtls;

/// <summary>
/// An established DTLS-SRTP association: the SRTP contexts keyed from the handshake (RFC 5764 §4.2) and the
/// <see cref="DtlsTransport"/> that carries application data (SCTP, RFC 8261).
/// </summary>
internal sealed class DtlsSrtpTransport : IDisposable
{
    private bool _disposed;
    private int _servicing;
    private readonly QueuedDatagramTransport _datagrams;

    private DtlsSrtpTransport(DtlsRole role, SrtpProfile profile, SrtpContext outbound, SrtpContext inbound, DtlsTransport transport, QueuedDatagramTransport datagrams)
    {
        _datagrams = datagrams;
        Role = role;
        SrtpProfile = profile;
        Outbound = outbound;
        Inbound = inbound;
        Transport = transport;
    }

    /// <summary>Our role.</summary>
    public DtlsRole Role { get; }

    /// <summary>The negotiated SRTP protection profile.</summary>
    public SrtpProfile SrtpProfile { get; }

    /// <summary>Protects what we send (our write keys).</summary>
    public SrtpContext Outbound { get; }

    /// <summary>Unprotects what the peer sends (its write keys).</summary>
    public SrtpContext Inbound { get; }

    /// <summary>
    /// The DTLS record layer for application data; its <c>Receive</c> blocks (BouncyCastle), so read it from a
    /// dedicated loop. Closing it sends close_notify.
    /// </summary>
    public DtlsTransport Transport { get; }

    /// <summary>
    /// Runs the DTLS handshake over <paramref name="datagrams"/> in <see cref="DtlsOptions.Role"/>, verifies the
    /// peer's certificate fingerprint and derives the SRTP contexts. Throws <see cref="DtlsException"/>.
    /// </summary>
    /// <remarks>
    /// BouncyCastle's handshake is a blocking loop over <see cref="DatagramReceiver.Receive(byte[], int, int, int)"/>, so — the one
    /// exception to the house async style — it runs on a dedicated long-running thread and this method awaits it.
    /// The timeout (<see cref="DtlsOptions.HandshakeTimeout"/>, on <see cref="DtlsOptions.TimeProvider"/>) and
    /// <paramref name="cancellationToken"/> abort <paramref name="datagrams"/>, which ends that thread.
    /// </remarks>
    public static async ValueTask<DtlsSrtpTransport> HandshakeAsync(
        DtlsOptions options, QueuedDatagramTransport datagrams, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(datagrams);
        options.Validate();
        var negotiation = new DtlsSrtpNegotiation(options);
        DtlsRole role = options.Role;
        DtlsTransport transport;
        using (ITimer timer = options.TimeProvider.CreateTimer(
            static s => ((QueuedDatagramTransport)s!).Abort(DtlsError.HandshakeTimeout), datagrams, options.HandshakeTimeout, Timeout.InfiniteTimeSpan))
        using (cancellationToken.Register(static s => ((QueuedDatagramTransport)s!).Abort(DtlsError.Closed), datagrams))
        {
            transport = await Task.Factory.StartNew(
                () => Handshake(role, negotiation, datagrams),
                CancellationToken.None,
                TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
                TaskScheduler.Default).ConfigureAwait(false);
        }

        try
        {
            if (datagrams.IsClosed)
            {
                throw new DtlsException(DtlsError.HandshakeTimeout, "The DTLS handshake timed out.");
            }

            if (!negotiation.PeerVerified)
            {
                throw new DtlsException(DtlsError.FingerprintMismatch, "The DTLS peer's certificate was not verified.");
            }

            if (negotiation.Profile is not SrtpProfile profile || negotiation.KeyingMaterial is not byte[] material)
            {
                throw new DtlsException(DtlsError.NoSrtpProfile, "No SRTP keying material was negotiated.");
            }

            try
            {
                (SrtpContext outbound, SrtpContext inbound) =
                    SrtpKeyingMaterial.CreateContexts(profile, material, role == DtlsRole.Client, options.SrtpOptions);
                return new DtlsSrtpTransport(role, profile, outbound, inbound, transport, datagrams);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(material);
            }
        }
        catch
        {
            transport.Close();
            throw;
        }
    }

    /// <summary>
    /// Lets BouncyCastle read DTLS records that came after the handshake (call it after enqueuing one). Nothing reads
    /// the record layer otherwise (DTLS-SRTP carries no application data here), and the peer that has not heard our
    /// last flight retransmits its own until BouncyCastle answers it by resending ours (RFC 6347 §4.2.4). Runs once at a
    /// time on the thread pool, each read bounded to 1 ms.
    /// </summary>
    public void ServiceLateRecords()
    {
        if (_disposed || Interlocked.Exchange(ref _servicing, 1) == 1)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static self =>
        {
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(QueuedDatagramTransport.MaxDatagramSize);
            try
            {
                while (!self._disposed && self.Transport.Receive(buffer, 0, buffer.Length, 1) >= 0)
                {
                    // Application data has no reader here: dropped.
                }
            }
            catch (Exception ex) when (ex is IOException or TlsException or ObjectDisposedException or InvalidOperationException)
            {
                // A bad or closing record layer: the pump's alert check and the consent timeout take it from here.
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                Volatile.Write(ref self._servicing, 0);
                if (self._datagrams.Pending > 0)
                {
                    self.ServiceLateRecords(); // arrived after the last empty read, while the caller saw us still servicing
                }
            }
        }, this, preferLocal: false);
    }

    /// <summary>Sends close_notify, closes the datagram transport and releases the SRTP contexts.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Transport.Close();
        }
        catch (IOException)
        {
            // Closing a transport whose datagram side is already gone.
        }

        Outbound.Dispose();
        Inbound.Dispose();
    }

    private static DtlsTransport Handshake(DtlsRole role, DtlsSrtpNegotiation negotiation, QueuedDatagramTransport datagrams)
    {
        try
        {
            return role == DtlsRole.Client
                ? new DtlsClientProtocol().Connect(new DtlsSrtpClient(negotiation), datagrams)
                : new DtlsServerProtocol().Accept(new DtlsSrtpServer(negotiation), datagrams);
        }
        catch (Exception e) when (e is not DtlsException)
        {
            datagrams.Close();
            throw Map(e, negotiation);
        }
        catch
        {
            datagrams.Close();
            throw;
        }
    }

    private static DtlsException Map(Exception e, DtlsSrtpNegotiation negotiation)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DtlsException dtls)
            {
                return dtls;
            }
        }

        if (negotiation.AlertReceived is short alert)
        {
            return new DtlsException(DtlsError.AlertReceived, $"The DTLS peer sent a fatal alert: {AlertDescription.GetText(alert)}.", e);
        }

        string what = e is TlsFatalAlert fatal ? AlertDescription.GetText(fatal.AlertDescription) : e.GetType().Name;
        return new DtlsException(DtlsError.HandshakeFailed, $"The DTLS handshake failed: {what}.", e);
    }
}
