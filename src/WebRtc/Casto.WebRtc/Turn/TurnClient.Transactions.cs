// Spec: https://www.rfc-editor.org/rfc/rfc8489#section-6.2.1 (UDP retransmission), §9.2.4–9.2.5 (long-term credentials:
// 401 with REALM/NONCE, 438 Stale Nonce), https://www.rfc-editor.org/rfc/rfc8656#section-7.1 (Allocate)
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Turn;

/// <summary>Adds the method-specific attributes of a request (before the credentials).</summary>
internal delegate void TurnAttributes(ref StunWriter writer, object? state);

/// <summary>Request/response transactions with retransmission and long-term authentication.</summary>
internal sealed partial class TurnClient
{
    private const int Unauthenticated = 401;
    private const int StaleNonce = 438;
    private const int RequestBufferSize = 1024;

    private readonly Dictionary<UInt128, TaskCompletionSource<byte[]>> _pending = [];
    private string? _realm;
    private string? _nonce;
    private byte[]? _key;

    private async Task SendAllocateAsync(CancellationToken cancellationToken)
    {
        var lifetime = (uint)_options.RequestedLifetime.TotalSeconds;
        var response = await RequestAsync(
            StunMethod.Allocate,
            static (ref StunWriter w, object? s) =>
            {
                w.AddRequestedTransport(StunWriter.TransportUdp);
                w.AddLifetime((uint)s!);
            },
            lifetime,
            _options.MaxTransmissions,
            _options.RetransmitTimeout,
            cancellationToken).ConfigureAwait(false);
        ReadAllocateResponse(response);
    }

    private void ReadAllocateResponse(byte[] bytes)
    {
        try
        {
            if (!StunMessage.TryRead(bytes, out var message) || !message.TryGetXorRelayedAddress(out var relayed) || message.Lifetime is not { } seconds)
            {
                throw new TurnException(TurnError.BadResponse, "Allocate response without XOR-RELAYED-ADDRESS or LIFETIME.");
            }

            RelayedAddress = relayed!;
            MappedAddress = message.TryGetXorMappedAddress(out var mapped) ? mapped : null;
            SetLifetime(seconds);
        }
        catch (StunException ex)
        {
            throw new TurnException(TurnError.BadResponse, "Malformed Allocate response.", ex);
        }
    }

    /// <summary>
    /// Runs one transaction: sends the request (authenticated once a realm and nonce are known), retransmits, and on
    /// 401 (first contact) or 438 (stale nonce) learns REALM/NONCE and retries once. Returns the success response bytes,
    /// whose MESSAGE-INTEGRITY has been verified; throws <see cref="TurnException"/> for error responses and timeouts.
    /// </summary>
    private async Task<byte[]> RequestAsync(StunMethod method, TurnAttributes attributes, object? state, int transmissions, TimeSpan rto,
        CancellationToken cancellationToken)
    {
        var retried401 = false;
        var retried438 = false;
        while (true)
        {
            var transactionId = new byte[StunMessage.TransactionIdSize];
            RandomNumberGenerator.Fill(transactionId);
            var request = BuildRequest(method, transactionId, attributes, state, out var key);
            var response = await TransmitAsync(request, transactionId, transmissions, rto, cancellationToken).ConfigureAwait(false);
            var retry = CheckResponse(response, method, key, ref retried401, ref retried438);
            if (!retry)
            {
                Interlocked.Increment(ref _transactions);
                return response;
            }
        }
    }

    /// <summary>Builds the request; <paramref name="key"/> is the long-term key it was signed with (null: unauthenticated).</summary>
    private byte[] BuildRequest(StunMethod method, byte[] transactionId, TurnAttributes attributes, object? state, out byte[]? key)
    {
        var buffer = new byte[RequestBufferSize];
        var writer = new StunWriter(buffer, StunClass.Request, method, transactionId);
        attributes(ref writer, state);
        if (_options.Software is { } software)
        {
            writer.AddSoftware(software);
        }

        lock (_gate)
        {
            key = _key;
            if (key is not null)
            {
                writer.AddUsername(_options.Username);
                writer.AddRealm(_realm!);
                writer.AddNonce(_nonce!);
                writer.AddMessageIntegrity(key);
            }
        }

        writer.AddFingerprint();
        return buffer.AsSpan(0, writer.Length).ToArray();
    }

    /// <summary>Returns true when the request must be sent again with the new realm/nonce; throws for errors.</summary>
    private bool CheckResponse(byte[] bytes, StunMethod method, byte[]? key, ref bool retried401, ref bool retried438)
    {
        var authenticated = key is not null;
        try
        {
            if (!StunMessage.TryRead(bytes, out var message))
            {
                throw new TurnException(TurnError.BadResponse, "Response is not STUN.");
            }

            if (message.Method != method)
            {
                throw new TurnException(TurnError.BadResponse, $"{message.Method} response to a {method} request.");
            }

            if (message.Class == StunClass.SuccessResponse)
            {
                if (key is not null)
                {
                    message.Validate(key);
                }

                return false;
            }

            if (!message.TryGetErrorCode(out var code, out var reason))
            {
                throw new TurnException(TurnError.BadResponse, "Error response without ERROR-CODE.");
            }

            var learn = (code == Unauthenticated && !authenticated && !retried401) || (code == StaleNonce && !retried438);
            if (learn && message.Nonce is { } nonce && (message.Realm ?? _realm) is { } realm)
            {
                retried401 |= code == Unauthenticated;
                if (code == StaleNonce)
                {
                    retried438 = true;
                    Interlocked.Increment(ref _staleNonces);
                }

                lock (_gate)
                {
                    if (realm != _realm || _key is null)
                    {
                        _key = StunCredentials.LongTermKey(_options.Username, realm, _options.Password);
                    }

                    _realm = realm;
                    _nonce = nonce;
                }

                return true;
            }

            throw new TurnException(TurnException.FromCode(code), $"TURN error {code} {reason}.", stunCode: code);
        }
        catch (StunException ex)
        {
            throw new TurnException(TurnError.BadResponse, $"Bad TURN response: {ex.Message}", ex);
        }
    }

    private async Task<byte[]> TransmitAsync(byte[] request, byte[] transactionId, int transmissions, TimeSpan rto, CancellationToken cancellationToken)
    {
        var key = Key(transactionId);
        var completion = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_closing.IsCancellationRequested)
            {
                throw new TurnException(TurnError.Closed, "The TURN client was disposed.");
            }

            _pending[key] = completion;
        }

        try
        {
            for (var i = 0; i < transmissions; i++)
            {
                try
                {
                    _socket.SendTo(request, SocketFlags.None, _server);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    throw new TurnException(TurnError.SocketError, "Sending to the TURN server failed.", ex);
                }

                // RTO doubles per transmission (capped at 8×); after the last one of several, wait Rm = 16 × RTO (§6.2.1).
                var wait = i == transmissions - 1 && transmissions > 1 ? rto * 16 : rto * Math.Min(1 << i, 8);
                try
                {
                    return await completion.Task.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
            }

            throw new TurnException(TurnError.Timeout, $"No TURN response after {transmissions} transmissions.");
        }
        finally
        {
            lock (_gate)
            {
                _pending.Remove(key);
            }
        }
    }

    private static UInt128 Key(ReadOnlySpan<byte> transactionId) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(transactionId), BinaryPrimitives.ReadUInt64BigEndian(transactionId[4..]));

    private void SetLifetime(uint seconds)
    {
        Lifetime = TimeSpan.FromSeconds(seconds);
        var margin = _options.RefreshMargin < Lifetime / 2 ? _options.RefreshMargin : Lifetime / 2;
        var now = _time.GetTimestamp();
        Interlocked.Exchange(ref _refreshAt, now + (long)((Lifetime - margin).TotalSeconds * _time.TimestampFrequency));
        Interlocked.Exchange(ref _expiresAt, now + (long)(Lifetime.TotalSeconds * _time.TimestampFrequency));
    }

    private static IPEndPoint PermissionEndPoint(IPAddress peer) => new(peer, 0);
}
