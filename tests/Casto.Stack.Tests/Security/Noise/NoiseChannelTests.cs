using System.Buffers;
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Security.Noise;
using Casto.Stack.Transports.Memory;
using Google.Protobuf;

namespace Casto.Stack.Tests.Security.Noise;

/// <summary>Noise-specific handshake behaviour: typed errors, extensions, wire shape, options.</summary>
public class NoiseChannelTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Peer_id_mismatch_names_both_peers()
    {
        using var dialerKey = PrivateKey.Generate();
        using var listenerKey = PrivateKey.Generate();
        using var otherKey = PrivateKey.Generate();
        var (dial, listen) = Start(new NoiseSecureChannel(dialerKey), new NoiseSecureChannel(listenerKey), otherKey.PeerId);

        var ex = await Assert.ThrowsAsync<NoiseException>(() => dial.WaitAsync(StepTimeout));
        Assert.Equal(NoiseError.PeerIdMismatch, ex.Error);
        Assert.Equal($"Dialed peer {otherKey.PeerId} but the remote authenticated as {listenerKey.PeerId}.", ex.Message);
        Assert.IsType<NoiseException>(await Record.ExceptionAsync(() => listen.WaitAsync(StepTimeout)));
    }

    [Fact]
    public async Task A_signature_over_another_static_key_is_rejected()
    {
        using var dialerKey = PrivateKey.Generate();
        using var listenerKey = PrivateKey.Generate();
        using var wrongStatic = X25519KeyPair.Generate();
        var forged = NoisePayload.Encode(listenerKey, wrongStatic.PublicKey, []);
        var listener = new NoiseSecureChannel(listenerKey, null, X25519KeyPair.Generate(), forged);
        var (dial, _) = Start(new NoiseSecureChannel(dialerKey), listener, null);

        var ex = await Assert.ThrowsAsync<NoiseException>(() => dial.WaitAsync(StepTimeout));
        Assert.Equal(NoiseError.InvalidSignature, ex.Error);
    }

    [Theory]
    [InlineData("ffff")] // not a protobuf
    [InlineData("")] // no identity_key, no identity_sig
    [InlineData("0a0401020304120100")] // identity_key is not a PublicKey protobuf
    public async Task A_malformed_payload_is_rejected(string payloadHex)
    {
        using var dialerKey = PrivateKey.Generate();
        using var listenerKey = PrivateKey.Generate();
        var listener = new NoiseSecureChannel(listenerKey, null, X25519KeyPair.Generate(), Convert.FromHexString(payloadHex));
        var (dial, _) = Start(new NoiseSecureChannel(dialerKey), listener, null);

        var ex = await Assert.ThrowsAsync<NoiseException>(() => dial.WaitAsync(StepTimeout));
        Assert.Equal(NoiseError.InvalidPayload, ex.Error);
    }

    [Fact]
    public async Task An_oversized_payload_is_rejected()
    {
        using var dialerKey = PrivateKey.Generate();
        using var listenerKey = PrivateKey.Generate();
        var bigListener = new NoiseOptions();
        bigListener.StreamMuxers.Add(new string('x', 4000));
        var strictDialer = new NoiseOptions { MaxHandshakePayloadSize = NoiseOptions.MinHandshakePayloadSize };
        var (dial, _) = Start(new NoiseSecureChannel(dialerKey, strictDialer), new NoiseSecureChannel(listenerKey, bigListener), null);

        var ex = await Assert.ThrowsAsync<NoiseException>(() => dial.WaitAsync(StepTimeout));
        Assert.Equal(NoiseError.FrameTooLarge, ex.Error);
    }

    [Fact]
    public async Task Stream_muxer_extensions_reach_the_other_side()
    {
        using var dialerKey = PrivateKey.Generate();
        using var listenerKey = PrivateKey.Generate();
        var dialerOptions = new NoiseOptions { StreamMuxers = { "/yamux/1.0.0" } };
        var listenerOptions = new NoiseOptions { StreamMuxers = { "/yamux/1.0.0", "/mplex/6.7.0" } };
        var (dial, listen) = Start(new NoiseSecureChannel(dialerKey, dialerOptions), new NoiseSecureChannel(listenerKey, listenerOptions), listenerKey.PeerId);
        await using var dialer = await dial.WaitAsync(StepTimeout);
        await using var listener = await listen.WaitAsync(StepTimeout);

        var dialerView = Assert.IsAssignableFrom<INoiseExtensionsFeature>(dialer);
        var listenerView = Assert.IsAssignableFrom<INoiseExtensionsFeature>(listener);
        Assert.Equal(["/yamux/1.0.0", "/mplex/6.7.0"], dialerView.RemoteStreamMuxers);
        Assert.Equal(["/yamux/1.0.0"], listenerView.RemoteStreamMuxers);
        Assert.Empty(dialerView.RemoteWebTransportCertHashes);
    }

    [Fact]
    public async Task A_reader_that_waits_for_more_than_the_read_ahead_still_progresses()
    {
        using var dialerKey = PrivateKey.Generate();
        using var listenerKey = PrivateKey.Generate();
        var (dial, listen) = Start(new NoiseSecureChannel(dialerKey), new NoiseSecureChannel(listenerKey), listenerKey.PeerId);
        await using var dialer = await dial.WaitAsync(StepTimeout);
        await using var listener = await listen.WaitAsync(StepTimeout);

        var data = new byte[3 << 20]; // many frames, far more than the plaintext read-ahead
        new Random(7).NextBytes(data);
        var write = Task.Run(async () =>
        {
            await dialer.Transport.Output.WriteAsync(data);
            await dialer.Transport.Output.CompleteAsync();
        });

        // Examine everything, consume nothing, until all of it is buffered: only then take it.
        var input = listener.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync().AsTask().WaitAsync(StepTimeout);
            if (result.Buffer.Length >= data.Length || result.IsCompleted)
            {
                Assert.Equal(data, result.Buffer.ToArray());
                input.AdvanceTo(result.Buffer.End);
                break;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        await write.WaitAsync(StepTimeout);
    }

    [Fact]
    public void The_payload_is_the_spec_protobuf()
    {
        using var key = PrivateKey.Generate();
        using var noiseKey = X25519KeyPair.Generate();
        var encoded = NoisePayload.Encode(key, noiseKey.PublicKey, ["/yamux/1.0.0"]);
        var payload = Stack.Security.Noise.Pb.NoiseHandshakePayload.Parser.ParseFrom(encoded);

        Assert.Equal(key.PublicKey.Protobuf.ToArray(), payload.IdentityKey.ToByteArray());
        Assert.True(key.PublicKey.Verify([.. "noise-libp2p-static-key:"u8, .. noiseKey.PublicKey], payload.IdentitySig.Span));
        Assert.Equal(["/yamux/1.0.0"], payload.Extensions.StreamMuxers);
        // Field numbers 1, 2 and 4 (the extensions), as in the spec's schema.
        Assert.Equal([0x0a, 0x12, 0x22], ReadTags(encoded));
        Assert.Equal([0x0a, 0x12], ReadTags(NoisePayload.Encode(key, noiseKey.PublicKey, [])));
    }

    [Fact]
    public async Task The_first_message_is_a_bare_ephemeral_key()
    {
        using var dialerKey = PrivateKey.Generate();
        var (rawDialer, rawListener) = RawPair();
        _ = new NoiseSecureChannel(dialerKey).SecureOutboundAsync(rawDialer, null).AsTask();

        var read = await rawListener.Transport.Input.ReadAsync().AsTask().WaitAsync(StepTimeout);
        Assert.Equal(34, read.Buffer.Length);
        Assert.Equal(new byte[] { 0x00, 0x20 }, read.Buffer.Slice(0, 2).ToArray());
        rawListener.Transport.Input.AdvanceTo(read.Buffer.End);
        rawDialer.Abort();
    }

    [Fact]
    public async Task The_timeout_uses_the_injected_time_provider()
    {
        using var dialerKey = PrivateKey.Generate();
        var options = new NoiseOptions { HandshakeTimeout = TimeSpan.FromHours(1), TimeProvider = new ImmediateTimeProvider() };
        var (rawDialer, _) = RawPair();

        var ex = await Assert.ThrowsAsync<NoiseException>(
            () => new NoiseSecureChannel(dialerKey, options).SecureOutboundAsync(rawDialer, null).AsTask().WaitAsync(StepTimeout));
        Assert.Equal(NoiseError.Timeout, ex.Error);
        Assert.True(rawDialer.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_a_timeout_and_aborts()
    {
        using var dialerKey = PrivateKey.Generate();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var (rawDialer, _) = RawPair();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new NoiseSecureChannel(dialerKey).SecureOutboundAsync(rawDialer, null, cancellation.Token).AsTask().WaitAsync(StepTimeout));
        Assert.True(rawDialer.Closed.IsCancellationRequested);
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        using var key = PrivateKey.Generate();
        Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseSecureChannel(key, new NoiseOptions { HandshakeTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseSecureChannel(key, new NoiseOptions { MaxHandshakePayloadSize = 100 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseSecureChannel(key, new NoiseOptions { MaxHandshakePayloadSize = 70_000 }));
        Assert.Throws<ArgumentException>(() => new NoiseSecureChannel(key, new NoiseOptions { StreamMuxers = { "" } }));
        Assert.Throws<ArgumentException>(() => new NoiseSecureChannel(key, new NoiseOptions { StreamMuxers = { new string('x', 70_000) } }));
        Assert.Equal("/noise", new NoiseSecureChannel(key, new NoiseOptions { HandshakeTimeout = Timeout.InfiniteTimeSpan }).ProtocolId);
    }

    private static (Task<ISecureConnection> Dial, Task<ISecureConnection> Listen) Start(
        NoiseSecureChannel dialer, NoiseSecureChannel listener, PeerId? expectedPeer)
    {
        var (rawDialer, rawListener) = RawPair();
        return (dialer.SecureOutboundAsync(rawDialer, expectedPeer).AsTask(), listener.SecureInboundAsync(rawListener).AsTask());
    }

    private static (MemoryConnection Dialer, MemoryConnection Listener) RawPair() =>
        MemoryConnection.CreatePair(Multiaddr.Parse("/ip4/127.0.0.1/tcp/1"), Multiaddr.Parse("/ip4/127.0.0.1/tcp/2"));

    private static List<int> ReadTags(byte[] encoded)
    {
        var tags = new List<int>();
        var input = new CodedInputStream(encoded);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            tags.Add((int)tag);
            input.SkipLastField();
        }

        return tags;
    }

    /// <summary>Every timer fires at once, whatever its due time: proves the handshake timer comes from the options.</summary>
    private sealed class ImmediateTimeProvider : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan);
    }
}
