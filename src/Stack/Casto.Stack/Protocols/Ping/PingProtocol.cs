// Spec: https://github.com/libp2p/specs/blob/master/ping/ping.md
using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Casto.Stack.Hosting;

namespace Casto.Stack.Protocols.Ping;

/// <summary>
/// <c>/ipfs/ping/1.0.0</c>: the dialer sends 32 random bytes, the listener echoes them; repeat on the same stream.
/// </summary>
public static class PingProtocol
{
    /// <summary>The protocol id.</summary>
    public const string Id = "/ipfs/ping/1.0.0";

    /// <summary>Bytes per ping.</summary>
    public const int PayloadSize = 32;

    /// <summary>Answers pings on <paramref name="host"/>.</summary>
    public static void Register(CastoHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.SetStreamHandler(Id, HandleAsync);
    }

    /// <summary>Sends <paramref name="count"/> pings on one stream; returns each round-trip time.</summary>
    public static ValueTask<IReadOnlyList<TimeSpan>> PingAsync(PeerConnection connection, int count = 1, CancellationToken cancellationToken = default) =>
        PingAsync(connection, TimeProvider.System, count, cancellationToken);

    /// <summary>Sends <paramref name="count"/> pings on one stream; returns each round-trip time on <paramref name="time"/>'s clock.</summary>
    public static async ValueTask<IReadOnlyList<TimeSpan>> PingAsync(PeerConnection connection, TimeProvider time, int count = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var context = await connection.NewStreamAsync(Id, cancellationToken).ConfigureAwait(false);
        await using (context.Stream.ConfigureAwait(false))
        {
            var rtts = new TimeSpan[count];
            var payload = new byte[PayloadSize];
            for (var i = 0; i < count; i++)
            {
                RandomNumberGenerator.Fill(payload);
                var started = time.GetTimestamp();
                await context.Stream.Output.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
                var echo = await ReadPayloadAsync(context.Stream.Input, cancellationToken).ConfigureAwait(false)
                    ?? throw new HostException(HostError.ProtocolViolation, "The remote closed the ping stream.");
                rtts[i] = time.GetElapsedTime(started);
                var matches = echo.AsSpan().SequenceEqual(payload);
                if (!matches)
                {
                    throw new HostException(HostError.ProtocolViolation, "The ping echo does not match what was sent.");
                }
            }

            await context.Stream.Output.CompleteAsync().ConfigureAwait(false);
            return rtts;
        }
    }

    private static async ValueTask HandleAsync(StreamContext context, CancellationToken cancellationToken)
    {
        while (await ReadPayloadAsync(context.Stream.Input, cancellationToken).ConfigureAwait(false) is { } payload)
        {
            var flush = await context.Stream.Output.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                break;
            }
        }

        await context.Stream.Output.CompleteAsync().ConfigureAwait(false);
    }

    private static async ValueTask<byte[]?> ReadPayloadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var result = await input.ReadAtLeastAsync(PayloadSize, cancellationToken).ConfigureAwait(false);
        if (result.Buffer.Length < PayloadSize)
        {
            input.AdvanceTo(result.Buffer.End);
            return null; // the remote closed its side
        }

        var payload = new byte[PayloadSize];
        result.Buffer.Slice(0, PayloadSize).CopyTo(payload);
        input.AdvanceTo(result.Buffer.GetPosition(PayloadSize));
        return payload;
    }
}
