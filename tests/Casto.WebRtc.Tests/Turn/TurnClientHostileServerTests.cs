using System.Net;
using System.Net.Sockets;
using Casto.WebRtc.Stun;
using Casto.WebRtc.Turn;

namespace Casto.WebRtc.Tests.Turn;

/// <summary>A scripted fake server: broken, unauthenticated or mutated answers only ever raise <see cref="TurnException"/>.</summary>
public sealed class TurnClientHostileServerTests
{
    private const string Realm = "fake";
    private const string Nonce = "n0nce";

    private delegate byte[]? Script(byte[] request, int index);

    [Fact]
    public async Task Challenge_without_nonce_is_unauthorized()
    {
        var ex = await AllocateAgainstAsync((request, _) => Error(request, 401, withNonce: false));
        Assert.Equal(TurnError.Unauthorized, ex!.Error);
    }

    [Fact]
    public async Task Success_without_message_integrity_is_a_bad_response()
    {
        var ex = await AllocateAgainstAsync((request, i) => i == 0 ? Error(request, 401, withNonce: true) : Success(request, relayed: true, key: null));
        Assert.Equal(TurnError.BadResponse, ex!.Error);
    }

    [Fact]
    public async Task Success_with_a_wrong_key_is_a_bad_response()
    {
        var ex = await AllocateAgainstAsync((request, i) => i == 0 ? Error(request, 401, withNonce: true) : Success(request, relayed: true, key: [1, 2, 3]));
        Assert.Equal(TurnError.BadResponse, ex!.Error);
    }

    [Fact]
    public async Task Success_without_relayed_address_is_a_bad_response()
    {
        var ex = await AllocateAgainstAsync((request, i) => i == 0 ? Error(request, 401, withNonce: true) : Success(request, relayed: false, key: Key));
        Assert.Equal(TurnError.BadResponse, ex!.Error);
    }

    [Theory]
    [InlineData(437, TurnError.AllocationMismatch)]
    [InlineData(486, TurnError.Capacity)]
    [InlineData(442, TurnError.Unsupported)]
    [InlineData(403, TurnError.Forbidden)]
    [InlineData(500, TurnError.ServerError)]
    public async Task Error_codes_map_to_turn_errors(int code, TurnError expected)
    {
        var ex = await AllocateAgainstAsync((request, i) => i == 0 ? Error(request, 401, withNonce: true) : Error(request, code, withNonce: false));
        Assert.Equal(expected, ex!.Error);
        Assert.Equal(code, ex.StunCode);
    }

    [Fact]
    public async Task The_scripted_happy_path_allocates()
    {
        var ex = await AllocateAgainstAsync((request, i) => i == 0 ? Error(request, 401, withNonce: true) : Success(request, relayed: true, key: Key));
        Assert.Null(ex);
    }

    [Fact]
    public async Task Unknown_channels_and_strangers_are_dropped_not_delivered()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var loop = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            for (var i = 0; i < 2; i++)
            {
                var r = await server.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
                var request = buffer.AsSpan(0, r.ReceivedBytes).ToArray();
                await server.SendToAsync(i == 0 ? Error(request, 401, withNonce: true) : Success(request, relayed: true, key: Key), r.RemoteEndPoint);
            }
        });
        var delivered = 0;
        await using var client = await TurnClient.AllocateAsync(
            new TurnClientOptions { Server = (IPEndPoint)server.LocalEndPoint!, Username = "u", Password = "p", LocalAddress = IPAddress.Loopback, DeallocateTimeout = TimeSpan.Zero },
            (_, _) => Interlocked.Increment(ref delivered));
        await loop;

        await server.SendToAsync(new byte[] { 0x40, 0x01, 0x00, 0x01, 0xAA }, client.LocalEndPoint); // channel never bound
        await server.SendToAsync(new byte[] { 0x4F, 0xFF, 0xFF, 0xFF }, client.LocalEndPoint); // length overrun
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await stranger.SendToAsync(new byte[] { 0x40, 0x00, 0x00, 0x00 }, client.LocalEndPoint); // not the server
        Assert.True(await TurnClientCoturnTests.UntilAsync(() => client.Dropped == 3));
        Assert.Equal(0, delivered);
    }

    [Fact]
    public void Options_are_validated()
    {
        var server = new IPEndPoint(IPAddress.Loopback, 3478);
        Assert.Throws<ArgumentNullException>(() => new TurnClientOptions { Username = "u" }.Validate());
        Assert.ThrowsAny<ArgumentException>(() => new TurnClientOptions { Server = server }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TurnClientOptions { Server = server, Username = "u", PermissionRefreshInterval = TimeSpan.FromSeconds(300) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TurnClientOptions { Server = server, Username = "u", ChannelRefreshInterval = TimeSpan.FromSeconds(600) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TurnClientOptions { Server = server, Username = "u", MaxChannels = 4097 }.Validate());
        Assert.Throws<ArgumentException>(() => new TurnClientOptions { Server = server, Username = "u", LocalAddress = IPAddress.IPv6Loopback }.Validate());
        new TurnClientOptions { Server = server, Username = "u" }.Validate();
    }

    [Fact]
    public async Task Mutated_answers_only_raise_turn_exceptions()
    {
        for (var seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            await AllocateAgainstAsync((request, i) =>
            {
                var answer = i == 0 ? Error(request, 401, withNonce: true) : Success(request, relayed: true, key: Key);
                for (var n = 0; n < 1 + random.Next(3); n++)
                {
                    answer[random.Next(answer.Length)] = (byte)random.Next(256);
                }

                return random.Next(4) == 0 ? answer.AsSpan(0, random.Next(answer.Length)).ToArray() : answer;
            });
        }
    }

    private static readonly byte[] Key = StunCredentials.LongTermKey("u", Realm, "p");

    /// <summary>Runs one Allocate against the script; returns the TurnException (null on success). Any other exception fails the test.</summary>
    private static async Task<TurnException?> AllocateAgainstAsync(Script script)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            var index = 0;
            try
            {
                while (true)
                {
                    var r = await server.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                    var answer = script(buffer.AsSpan(0, r.ReceivedBytes).ToArray(), index++);
                    if (answer is not null)
                    {
                        await server.SendToAsync(answer, r.RemoteEndPoint);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var options = new TurnClientOptions
        {
            Server = (IPEndPoint)server.LocalEndPoint!,
            Username = "u",
            Password = "p",
            LocalAddress = IPAddress.Loopback,
            RetransmitTimeout = TimeSpan.FromMilliseconds(20),
            MaxTransmissions = 2,
            DeallocateTimeout = TimeSpan.FromMilliseconds(20),
        };
        try
        {
            await using var client = await TurnClient.AllocateAsync(options);
            return null;
        }
        catch (TurnException ex)
        {
            return ex;
        }
        finally
        {
            await stop.CancelAsync();
            await loop;
        }
    }

    private static byte[] Error(byte[] request, int code, bool withNonce)
    {
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.ErrorResponse, StunMethod.Allocate, request.AsSpan(8, 12));
        writer.AddErrorCode(code, "scripted");
        if (withNonce)
        {
            writer.AddRealm(Realm);
            writer.AddNonce(Nonce);
        }

        return writer.Written.ToArray();
    }

    private static byte[] Success(byte[] request, bool relayed, byte[]? key)
    {
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Allocate, request.AsSpan(8, 12));
        if (relayed)
        {
            writer.AddXorRelayedAddress(new IPEndPoint(IPAddress.Loopback, 50000));
        }

        writer.AddLifetime(600);
        writer.AddXorMappedAddress(new IPEndPoint(IPAddress.Loopback, 40000));
        if (key is not null)
        {
            writer.AddMessageIntegrity(key);
        }

        return writer.Written.ToArray();
    }
}
