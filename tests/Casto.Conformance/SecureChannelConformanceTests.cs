// Shared behaviour every secure channel (/noise, later /tls/1.0.0) must show over an in-memory connection pair.
// Shaped after go-libp2p's p2p/transport/testsuite and dotnet/runtime's ConnectedStreamConformanceTests.
using System.IO.Pipelines;
using Casto.Stack.Connections;
using Casto.Stack.Identity;
using Casto.Stack.Multiaddrs;
using Casto.Stack.Transports.Memory;

namespace Casto.Conformance;

/// <summary>
/// Derive once per secure channel and implement the factories; every test runs a real handshake over
/// <see cref="MemoryConnection.CreatePair"/>. Failures must surface as <see cref="IOException"/>s (the
/// channel's typed exception) and abort the raw connection, never hang.
/// </summary>
public abstract partial class SecureChannelConformanceTests
{
    /// <summary>Upper bound for any single step; a hang fails the test instead of the run.</summary>
    protected static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates a channel for <paramref name="identity"/> with default options.</summary>
    protected abstract ISecureChannel CreateChannel(PrivateKey identity);

    /// <summary>Creates a channel whose handshake gives up after <paramref name="handshakeTimeout"/>.</summary>
    protected abstract ISecureChannel CreateChannel(PrivateKey identity, TimeSpan handshakeTimeout);

    [Fact]
    public async Task Handshake_authenticates_both_peers()
    {
        using var dialerKey = PrivateKey.Generate();
        using var listenerKey = PrivateKey.Generate(KeyType.Secp256k1);

        var (dialer, listener) = await HandshakeAsync(dialerKey, listenerKey, listenerKey.PeerId);
        await using (dialer)
        await using (listener)
        {
            Assert.Equal(dialerKey.PeerId, dialer.LocalPeer);
            Assert.Equal(listenerKey.PeerId, dialer.RemotePeer);
            Assert.Equal(listenerKey.PublicKey, dialer.RemotePublicKey);
            Assert.Equal(listenerKey.PeerId, listener.LocalPeer);
            Assert.Equal(dialerKey.PeerId, listener.RemotePeer);
            Assert.Equal(dialerKey.PublicKey, listener.RemotePublicKey);
            Assert.Equal(dialer.LocalAddress, listener.RemoteAddress);
        }
    }

    [Fact]
    public async Task Handshake_without_an_expected_peer_learns_it()
    {
        using var dialerKey = PrivateKey.Generate(KeyType.Ecdsa);
        using var listenerKey = PrivateKey.Generate();

        var (dialer, listener) = await HandshakeAsync(dialerKey, listenerKey, expectedPeer: null);
        await using (dialer)
        await using (listener)
        {
            Assert.Equal(listenerKey.PeerId, dialer.RemotePeer);
            Assert.Equal(dialerKey.PeerId, listener.RemotePeer);
        }
    }

    [Fact]
    public async Task Expected_peer_mismatch_fails_the_dialer()
    {
        using var dialerKey = PrivateKey.Generate();
        using var listenerKey = PrivateKey.Generate();
        using var otherKey = PrivateKey.Generate();
        var (rawDialer, rawListener) = CreateRawPair();

        var dial = CreateChannel(dialerKey).SecureOutboundAsync(rawDialer, otherKey.PeerId).AsTask();
        var listen = CreateChannel(listenerKey).SecureInboundAsync(rawListener).AsTask();

        var ex = await Assert.ThrowsAnyAsync<IOException>(() => dial.WaitAsync(StepTimeout));
        Assert.Contains(otherKey.PeerId.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains(listenerKey.PeerId.ToString(), ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<IOException>(() => listen.WaitAsync(StepTimeout));
        Assert.True(rawDialer.Closed.IsCancellationRequested, "the raw connection is aborted");
    }

    [Fact]
    public async Task Silent_responder_times_out()
    {
        using var dialerKey = PrivateKey.Generate();
        var (rawDialer, rawListener) = CreateRawPair();
        await using var _ = rawListener;

        var started = DateTime.UtcNow;
        var dial = CreateChannel(dialerKey, TimeSpan.FromMilliseconds(300)).SecureOutboundAsync(rawDialer, null).AsTask();

        await Assert.ThrowsAnyAsync<IOException>(() => dial.WaitAsync(StepTimeout));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250));
        Assert.True(rawDialer.Closed.IsCancellationRequested, "the raw connection is aborted");
    }

    [Fact]
    public async Task Garbage_from_the_responder_fails_the_dialer()
    {
        using var dialerKey = PrivateKey.Generate();
        var (rawDialer, rawListener) = CreateRawPair();
        var dial = CreateChannel(dialerKey).SecureOutboundAsync(rawDialer, null).AsTask();

        await WriteGarbageAsync(rawListener.Transport.Output, seed: 1);

        await Assert.ThrowsAnyAsync<IOException>(() => dial.WaitAsync(StepTimeout));
        Assert.True(rawDialer.Closed.IsCancellationRequested, "the raw connection is aborted");
    }

    [Fact]
    public async Task Garbage_from_the_dialer_fails_the_responder()
    {
        using var listenerKey = PrivateKey.Generate();
        var (rawDialer, rawListener) = CreateRawPair();
        var listen = CreateChannel(listenerKey).SecureInboundAsync(rawListener).AsTask();

        await WriteGarbageAsync(rawDialer.Transport.Output, seed: 2);

        await Assert.ThrowsAnyAsync<IOException>(() => listen.WaitAsync(StepTimeout));
        Assert.True(rawListener.Closed.IsCancellationRequested, "the raw connection is aborted");
    }

    [Fact]
    public async Task Remote_closing_mid_handshake_fails_instead_of_hanging()
    {
        using var listenerKey = PrivateKey.Generate();
        var (rawDialer, rawListener) = CreateRawPair();
        var listen = CreateChannel(listenerKey).SecureInboundAsync(rawListener).AsTask();

        await rawDialer.Transport.Output.WriteAsync(new byte[] { 0x00, 0x20, 1, 2, 3 });
        await rawDialer.Transport.Output.CompleteAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => listen.WaitAsync(StepTimeout));
    }

    /// <summary>A raw in-memory connection pair (explicit addresses, so any multiaddr table will do).</summary>
    protected static (MemoryConnection Dialer, MemoryConnection Listener) CreateRawPair() =>
        MemoryConnection.CreatePair(Multiaddr.Parse("/ip4/127.0.0.1/tcp/40001"), Multiaddr.Parse("/ip4/127.0.0.1/tcp/40002"));

    /// <summary>Runs both handshakes over a fresh memory pair.</summary>
    protected async Task<(ISecureConnection Dialer, ISecureConnection Listener)> HandshakeAsync(
        PrivateKey dialerKey, PrivateKey listenerKey, PeerId? expectedPeer)
    {
        var (rawDialer, rawListener) = CreateRawPair();
        var dial = CreateChannel(dialerKey).SecureOutboundAsync(rawDialer, expectedPeer).AsTask();
        var listen = CreateChannel(listenerKey).SecureInboundAsync(rawListener).AsTask();
        await Task.WhenAll(dial, listen).WaitAsync(StepTimeout);
        return (await dial, await listen);
    }

    /// <summary>
    /// Length-prefixed random frames (plausible sizes, so the peer gets as far as decrypting), then EOF. One write:
    /// the peer may abort the connection as soon as it sees the first frame.
    /// </summary>
    private static async Task WriteGarbageAsync(PipeWriter output, int seed)
    {
        var random = new Random(seed);
        var garbage = new List<byte>();
        foreach (var size in new[] { 32, 200, 200 })
        {
            var frame = new byte[size];
            random.NextBytes(frame);
            garbage.AddRange([(byte)(size >> 8), (byte)size, .. frame]);
        }

        await output.WriteAsync(garbage.ToArray());
        await output.CompleteAsync();
    }
}
