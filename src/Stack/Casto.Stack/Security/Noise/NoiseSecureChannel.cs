// Spec: https://github.com/libp2p/specs/blob/master/noise/README.md (noise-libp2p r4)
//       https://noiseprotocol.org/noise.html (Noise Protocol Framework rev 34)
using Casto.Stack.Connections;
using Casto.Stack.Identity;

namespace Casto.Stack.Security.Noise;

/// <summary>
/// The libp2p Noise secure channel, <c>/noise</c>: <c>Noise_XX_25519_ChaChaPoly_SHA256</c> with an empty
/// prologue, each side's Curve25519 static key signed by its libp2p identity key. The secured connection
/// wraps the raw one: it decrypts as the application reads and encrypts as it flushes, with no copy loop.
/// </summary>
/// <remarks>
/// One static Noise key is generated per channel instance, so the signed handshake payload is built once.
/// On any handshake failure the raw connection is aborted and a <see cref="NoiseException"/> is thrown
/// (cancellation by the caller throws <see cref="OperationCanceledException"/> and also aborts).
/// </remarks>
public sealed partial class NoiseSecureChannel : ISecureChannel
{
    /// <summary>The multistream-select protocol id.</summary>
    public const string Id = "/noise";

    private readonly PrivateKey _identity;
    private readonly X25519KeyPair _static;
    private readonly byte[] _payload;
    private readonly TimeSpan _handshakeTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxPayloadSize;

    /// <summary>Creates the channel for the peer owning <paramref name="identity"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid, or the payload they imply is too large.</exception>
    public NoiseSecureChannel(PrivateKey identity, NoiseOptions? options = null)
        : this(identity, options, X25519KeyPair.Generate(), payload: null)
    {
    }

    /// <summary>With a fixed static key and, for tests, a hand-made payload.</summary>
    internal NoiseSecureChannel(PrivateKey identity, NoiseOptions? options, X25519KeyPair staticKey, byte[]? payload)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(staticKey);
        options ??= new NoiseOptions();
        options.Validate();
        _identity = identity;
        _static = staticKey;
        _handshakeTimeout = options.HandshakeTimeout;
        _timeProvider = options.TimeProvider;
        _maxPayloadSize = options.MaxHandshakePayloadSize;
        _payload = payload ?? NoisePayload.Encode(identity, staticKey.PublicKey, options.StreamMuxers);
        if (_payload.Length > NoiseOptions.MaxPossibleHandshakePayloadSize)
        {
            throw new ArgumentException(
                $"The handshake payload would be {_payload.Length} bytes, over the {NoiseOptions.MaxPossibleHandshakePayloadSize}-byte limit.",
                nameof(options));
        }
    }

    /// <inheritdoc/>
    public string ProtocolId => Id;

    /// <inheritdoc/>
    public ValueTask<ISecureConnection> SecureInboundAsync(IDuplexConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return SecureAsync(connection, initiator: false, expectedPeer: null, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<ISecureConnection> SecureOutboundAsync(
        IDuplexConnection connection, PeerId? expectedPeer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return SecureAsync(connection, initiator: true, expectedPeer, cancellationToken);
    }

    private async ValueTask<ISecureConnection> SecureAsync(
        IDuplexConnection connection, bool initiator, PeerId? expectedPeer, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_handshakeTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await HandshakeAsync(connection, initiator, expectedPeer, linked.Token).ConfigureAwait(false);
        }
        catch (NoiseException ex)
        {
            connection.Abort(ex);
            throw;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var error = new NoiseException(NoiseError.Timeout, $"The Noise handshake did not complete within {_handshakeTimeout}.", ex);
            connection.Abort(error);
            throw error;
        }
        catch (OperationCanceledException)
        {
            connection.Abort();
            throw;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The transport failed or was torn down under us (a completed pipe throws InvalidOperationException).
            var error = new NoiseException(NoiseError.HandshakeFailed, $"The connection failed during the Noise handshake: {ex.Message}", ex);
            connection.Abort(error);
            throw error;
        }
    }
}
