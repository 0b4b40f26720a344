using Casto.Conformance;
using Casto.Stack.Muxers.Yamux;

namespace Casto.Stack.Tests.Muxers.Yamux;

/// <summary>Two real sessions: window auto-tuning and closing, end to end.</summary>
public class YamuxWindowGrowthTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_long_transfer_grows_the_receive_window_to_the_maximum()
    {
        // The clock stands still, so every half-window is consumed "within one round trip": growth is deterministic.
        var options = new YamuxOptions { TimeProvider = new ManualTimeProvider() };
        var (clientConnection, serverConnection) = MuxerConformanceTests.CreateConnectionPair();
        await using var client = (YamuxSession)new YamuxMuxer(options).Create(clientConnection, isInitiator: true);
        await using var server = (YamuxSession)new YamuxMuxer(options).Create(serverConnection, isInitiator: false);

        var outbound = await client.OpenStreamAsync();
        var sending = Task.Run(async () =>
        {
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 512; i++)
            {
                await outbound.Output.WriteAsync(chunk);
            }

            await outbound.Output.CompleteAsync();
        });

        var inbound = (YamuxStream)(await server.AcceptStreamAsync())!;
        long received = 0;
        while (true)
        {
            var result = await inbound.Input.ReadAsync().AsTask().WaitAsync(Timeout);
            received += result.Buffer.Length;
            inbound.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await sending.WaitAsync(Timeout);
        Assert.Equal(32L * 1024 * 1024, received);
        Assert.Equal(16 * 1024 * 1024, inbound.ReceiveWindow);
    }

    [Fact]
    public async Task Cancelling_a_graceful_close_falls_back_to_an_abortive_one()
    {
        var (clientConnection, serverConnection) = MuxerConformanceTests.CreateConnectionPair();
        await using var client = new YamuxMuxer().Create(clientConnection, isInitiator: true);
        await using var server = new YamuxMuxer().Create(serverConnection, isInitiator: false);
        var stream = await client.OpenStreamAsync();
        await stream.Output.WriteAsync(new byte[] { 1 });
        Assert.NotNull(await server.AcceptStreamAsync());

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.CloseAsync(cts.Token));

        await client.Completion.WaitAsync(Timeout);
        var error = await Assert.ThrowsAsync<YamuxException>(async () => await stream.Input.ReadAsync());
        Assert.Equal(YamuxError.SessionClosed, error.Error);
        await server.Completion.WaitAsync(Timeout);
    }
}
