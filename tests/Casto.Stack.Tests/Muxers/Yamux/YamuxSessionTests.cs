using System.Buffers;
using Casto.Stack.Muxers.Yamux;

namespace Casto.Stack.Tests.Muxers.Yamux;

/// <summary>Session behaviour driven frame by frame from a raw remote.</summary>
public class YamuxSessionTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Ping_is_answered_with_ack_echoing_the_opaque_value()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.Ping(0xdeadbeef));
        var pong = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping && h.Has(YamuxFlags.Ack));
        Assert.Equal(0xdeadbeefu, pong.Header.Length);
        Assert.Equal(0u, pong.Header.StreamId);
        Assert.Equal(YamuxFlags.Ack, pong.Header.Flags);
    }

    [Fact]
    public async Task First_ping_measures_the_round_trip_time()
    {
        var clock = new ManualTimeProvider();
        await using var peer = new RawYamuxPeer(new YamuxOptions { TimeProvider = clock });
        Assert.Null(peer.Session.Rtt);
        var ping = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping);
        Assert.Equal(YamuxFlags.Syn, ping.Header.Flags);

        clock.Advance(TimeSpan.FromMilliseconds(40));
        await peer.SendAsync(RawYamuxPeer.Ping(ping.Header.Length, YamuxFlags.Ack));
        await EventuallyAsync(() => peer.Session.Rtt is not null);
        Assert.Equal(TimeSpan.FromMilliseconds(40), peer.Session.Rtt);
    }

    [Fact]
    public async Task Keep_alive_pings_every_interval_and_fails_when_unanswered()
    {
        var clock = new ManualTimeProvider();
        await using var peer = new RawYamuxPeer(new YamuxOptions
        {
            TimeProvider = clock,
            KeepAliveInterval = TimeSpan.FromSeconds(30),
            KeepAliveTimeout = TimeSpan.FromSeconds(10),
        });
        await peer.AnswerInitialPingAsync();
        await peer.SyncAsync();

        clock.Advance(TimeSpan.FromSeconds(29));
        await AssertNoFrameAsync(peer, h => h.Type == YamuxFrameType.Ping);
        clock.Advance(TimeSpan.FromSeconds(1));
        var keepAlive = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping);
        Assert.Equal(YamuxFlags.Syn, keepAlive.Header.Flags);
        await peer.SendAsync(RawYamuxPeer.Ping(keepAlive.Header.Length, YamuxFlags.Ack));
        await peer.SyncAsync();

        clock.Advance(TimeSpan.FromSeconds(30));
        var unanswered = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping);
        Assert.NotEqual(keepAlive.Header.Length, unanswered.Header.Length);
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(peer.Session.Completion.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        var error = Assert.IsType<YamuxException>(await peer.SessionEndAsync());
        Assert.Equal(YamuxError.Timeout, error.Error);
        var rest = await peer.ReadToEndAsync();
        Assert.Contains(rest, f => f.Header.Type == YamuxFrameType.GoAway);
    }

    [Theory]
    [InlineData("01000000000000000000000000", YamuxError.InvalidVersion)]     // version 1
    [InlineData("00040000000000000000000000", YamuxError.ProtocolError)]      // frame type 4
    [InlineData("000000000000000000000001FF", YamuxError.ProtocolError)]      // data on stream 0
    [InlineData("000100010000000200000000", YamuxError.ProtocolError)]        // SYN with the listener's parity
    [InlineData("000000010000000100040001", YamuxError.WindowExceeded)]       // 256 KiB + 1 with the SYN
    public async Task Bad_frames_end_the_session_with_go_away_protocol_error(string hex, YamuxError expected)
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendRawAsync(Convert.FromHexString(hex), mayClose: true);

        var error = Assert.IsType<YamuxException>(await peer.SessionEndAsync());
        Assert.Equal(expected, error.Error);
        var goAway = Assert.Single(await peer.ReadToEndAsync(), f => f.Header.Type == YamuxFrameType.GoAway);
        Assert.Equal((uint)YamuxGoAwayCode.ProtocolError, goAway.Header.Length);
    }

    [Fact]
    public async Task Data_beyond_the_granted_window_is_a_protocol_error()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.Syn(1));
        await peer.SendAsync(RawYamuxPeer.Data(1, 200_000), new byte[200_000]);
        var stream = await peer.Session.AcceptStreamAsync().AsTask().WaitAsync(RawYamuxPeer.Timeout);
        Assert.NotNull(stream);

        // 200 000 of 262 144 bytes are unread: another 100 000 overflows the window.
        await peer.SendAsync(RawYamuxPeer.Data(1, 100_000), new byte[100_000], mayClose: true);

        var error = Assert.IsType<YamuxException>(await peer.SessionEndAsync());
        Assert.Equal(YamuxError.WindowExceeded, error.Error);
        Assert.Contains(await peer.ReadToEndAsync(), f => f.Header.Type == YamuxFrameType.GoAway && f.Header.Length == 1);

        // Pending stream operations see the typed error.
        var readError = await Assert.ThrowsAsync<YamuxException>(async () =>
        {
            while (true)
            {
                var result = await stream.Input.ReadAsync();
                stream.Input.AdvanceTo(result.Buffer.End);
            }
        });
        Assert.Equal(YamuxError.WindowExceeded, readError.Error);
    }

    [Fact]
    public async Task Consumed_data_is_credited_back_and_the_window_doubles_within_a_round_trip()
    {
        var clock = new ManualTimeProvider(); // time stands still: every window is consumed "within one RTT"
        await using var peer = new RawYamuxPeer(new YamuxOptions { TimeProvider = clock });
        await peer.AnswerInitialPingAsync();
        await EventuallyAsync(() => peer.Session.Rtt is not null);

        await peer.SendAsync(RawYamuxPeer.Syn(1));
        var stream = (YamuxStream)(await peer.Session.AcceptStreamAsync())!;
        var ack = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate);
        Assert.Equal(RawYamuxPeer.Window(1, 0, YamuxFlags.Ack), ack.Header);

        // Less than half the window read: no update yet.
        await peer.SendAsync(RawYamuxPeer.Data(1, 100_000), new byte[100_000]);
        await ConsumeAsync(stream, 100_000);
        await AssertNoFrameAsync(peer, h => h.Type == YamuxFrameType.WindowUpdate);

        // Past half: the consumed bytes come back, plus 256 KiB of growth.
        await peer.SendAsync(RawYamuxPeer.Data(1, 40_000), new byte[40_000]);
        await ConsumeAsync(stream, 40_000);
        var update = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate);
        Assert.Equal(RawYamuxPeer.Window(1, 140_000 + 256 * 1024), update.Header);
        Assert.Equal(512 * 1024, stream.ReceiveWindow);

        // The grown window is usable at once: 500 000 bytes now fit.
        await peer.SendAsync(RawYamuxPeer.Data(1, 500_000), new byte[500_000]);
        await ConsumeAsync(stream, 500_000);
        update = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate);
        Assert.Equal(1024 * 1024, stream.ReceiveWindow);
        Assert.Equal(500_000u + 512 * 1024, update.Header.Length);
    }

    [Fact]
    public async Task The_window_does_not_grow_when_the_application_is_slower_than_the_network()
    {
        var clock = new ManualTimeProvider();
        await using var peer = new RawYamuxPeer(new YamuxOptions { TimeProvider = clock });
        var ping = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping);
        clock.Advance(TimeSpan.FromMilliseconds(10));
        await peer.SendAsync(RawYamuxPeer.Ping(ping.Header.Length, YamuxFlags.Ack)); // RTT 10 ms
        await EventuallyAsync(() => peer.Session.Rtt is not null);

        await peer.SendAsync(RawYamuxPeer.Syn(1));
        var stream = (YamuxStream)(await peer.Session.AcceptStreamAsync())!;
        await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate); // the ACK
        clock.Advance(TimeSpan.FromMilliseconds(100));

        await peer.SendAsync(RawYamuxPeer.Data(1, 200_000), new byte[200_000]);
        await ConsumeAsync(stream, 200_000);
        var update = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate);
        Assert.Equal(200_000u, update.Header.Length);
        Assert.Equal(256 * 1024, stream.ReceiveWindow);
    }

    [Fact]
    public async Task Data_for_a_stream_the_application_stopped_reading_is_discarded_and_credited()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.Syn(1));
        var stream = await peer.Session.AcceptStreamAsync();
        Assert.NotNull(stream);
        await peer.SendAsync(RawYamuxPeer.Data(1, 100_000), new byte[100_000]);
        await peer.SyncAsync();
        await stream.Input.CompleteAsync(); // 100 000 buffered bytes are dropped

        await peer.SendAsync(RawYamuxPeer.Data(1, 100_000), new byte[100_000]);
        var update = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate && !h.Has(YamuxFlags.Ack));
        Assert.Equal(200_000u, update.Header.Length);
    }

    [Fact]
    public async Task A_larger_initial_window_is_announced_with_the_ack()
    {
        await using var peer = new RawYamuxPeer(new YamuxOptions { InitialStreamWindowSize = 1024 * 1024 });
        await peer.SendAsync(RawYamuxPeer.Syn(1));
        await peer.Session.AcceptStreamAsync();
        var ack = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate);
        Assert.Equal(RawYamuxPeer.Window(1, 768 * 1024, YamuxFlags.Ack), ack.Header);

        // The whole 1 MiB may now be sent before any update.
        await peer.SendAsync(RawYamuxPeer.Data(1, 1024 * 1024), new byte[1024 * 1024]);
        await peer.SendAsync(RawYamuxPeer.Ping(7));
        await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping && h.Has(YamuxFlags.Ack));
        Assert.False(peer.Session.Completion.IsCompleted);
    }

    [Fact]
    public async Task Sender_never_exceeds_the_remote_window_and_splits_frames()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.Syn(1));
        var stream = await peer.Session.AcceptStreamAsync();
        Assert.NotNull(stream);
        var writing = Task.Run(async () =>
        {
            await stream.Output.WriteAsync(new byte[1024 * 1024]);
            await stream.Output.CompleteAsync();
        });

        Assert.Equal(256 * 1024, await ReadDataAsync(peer, 256 * 1024));
        await AssertNoFrameAsync(peer, h => h.Type == YamuxFrameType.Data);

        await peer.SendAsync(RawYamuxPeer.Window(1, 100_000));
        Assert.Equal(100_000, await ReadDataAsync(peer, 100_000));
        await AssertNoFrameAsync(peer, h => h.Type == YamuxFrameType.Data);

        await peer.SendAsync(RawYamuxPeer.Window(1, 10_000_000));
        var rest = 1024 * 1024 - 356 * 1024 + 1024 * 100 - 100_000;
        Assert.Equal(rest, await ReadDataAsync(peer, rest));
        var fin = await peer.ReadUntilAsync(h => h.StreamId == 1);
        Assert.True(fin.Header.Has(YamuxFlags.Fin));
        await writing.WaitAsync(RawYamuxPeer.Timeout);
    }

    [Fact]
    public async Task Inbound_streams_beyond_the_accept_backlog_are_reset()
    {
        await using var peer = new RawYamuxPeer(new YamuxOptions { MaxAcceptBacklog = 2 });
        await peer.SendAsync(RawYamuxPeer.Syn(1));
        await peer.SendAsync(RawYamuxPeer.Syn(3));
        await peer.SendAsync(RawYamuxPeer.Syn(5));
        var reset = await peer.ReadUntilAsync(h => h.Has(YamuxFlags.Rst));
        Assert.Equal(5u, reset.Header.StreamId);

        var first = await peer.Session.AcceptStreamAsync();
        Assert.Equal(1, first!.Id);
        await peer.SendAsync(RawYamuxPeer.Syn(7)); // room again
        Assert.Equal(3, (await peer.Session.AcceptStreamAsync())!.Id);
        Assert.Equal(7, (await peer.Session.AcceptStreamAsync())!.Id);
    }

    [Fact]
    public async Task Inbound_streams_beyond_max_streams_are_reset()
    {
        await using var peer = new RawYamuxPeer(new YamuxOptions { MaxStreams = 1 });
        await peer.SendAsync(RawYamuxPeer.Syn(1));
        Assert.NotNull(await peer.Session.AcceptStreamAsync());
        await peer.SendAsync(RawYamuxPeer.Syn(3));
        var reset = await peer.ReadUntilAsync(h => h.Has(YamuxFlags.Rst));
        Assert.Equal(3u, reset.Header.StreamId);
    }

    [Fact]
    public async Task Opening_waits_while_the_ack_backlog_is_full()
    {
        await using var peer = new RawYamuxPeer(new YamuxOptions { MaxAckBacklog = 2 });
        var a = await peer.Session.OpenStreamAsync();
        await peer.Session.OpenStreamAsync();
        var third = peer.Session.OpenStreamAsync().AsTask();
        await Task.Delay(50);
        Assert.False(third.IsCompleted);

        var syn = await peer.ReadUntilAsync(h => h.Has(YamuxFlags.Syn) && h.Type == YamuxFrameType.WindowUpdate);
        Assert.Equal(2u, syn.Header.StreamId); // the responder uses even ids
        Assert.Equal(2, a.Id);
        await peer.SendAsync(RawYamuxPeer.Window(2, 0, YamuxFlags.Ack));
        Assert.Equal(6, (await third.WaitAsync(RawYamuxPeer.Timeout)).Id);
    }

    [Fact]
    public async Task Remote_go_away_stops_new_streams_but_not_open_ones()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.Syn(1));
        var stream = await peer.Session.AcceptStreamAsync();
        Assert.NotNull(stream);
        await peer.SendAsync(RawYamuxPeer.GoAway(YamuxGoAwayCode.Normal));
        await peer.SendAsync(RawYamuxPeer.Ping(1));
        await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping && h.Has(YamuxFlags.Ack));

        var error = await Assert.ThrowsAsync<YamuxException>(async () => await peer.Session.OpenStreamAsync());
        Assert.Equal(YamuxError.GoAway, error.Error);

        await stream.Output.WriteAsync("still here"u8.ToArray());
        var data = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Data);
        Assert.Equal("still here"u8.ToArray(), data.Payload);
    }

    [Fact]
    public async Task Remote_go_away_with_an_error_ends_the_session()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.GoAway(YamuxGoAwayCode.InternalError));
        var error = Assert.IsType<YamuxException>(await peer.SessionEndAsync());
        Assert.Equal(YamuxError.GoAway, error.Error);
    }

    [Fact]
    public async Task Remote_reset_fails_the_stream_with_a_typed_error()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.Syn(1));
        var stream = await peer.Session.AcceptStreamAsync();
        Assert.NotNull(stream);
        var read = stream.Input.ReadAsync().AsTask();
        await peer.SendAsync(RawYamuxPeer.Window(1, 0, YamuxFlags.Rst));
        var error = await Assert.ThrowsAsync<YamuxException>(() => read.WaitAsync(RawYamuxPeer.Timeout));
        Assert.Equal(YamuxError.StreamReset, error.Error);
    }

    [Fact]
    public async Task Frames_for_unknown_streams_are_skipped()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.Data(9, 10), new byte[10]);
        await peer.SendAsync(RawYamuxPeer.Window(11, 100));
        await peer.SendAsync(RawYamuxPeer.Ping(5));
        var pong = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping && h.Has(YamuxFlags.Ack));
        Assert.Equal(5u, pong.Header.Length);
    }

    [Fact]
    public async Task Data_sent_before_accept_is_kept_until_read()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.Data(1, 5, YamuxFlags.Syn), "hello"u8.ToArray());
        await peer.SendAsync(RawYamuxPeer.Data(1, 6, YamuxFlags.Fin), " world"u8.ToArray());
        var stream = await peer.Session.AcceptStreamAsync();
        Assert.NotNull(stream);
        var result = await stream.Input.ReadAtLeastAsync(11);
        Assert.Equal("hello world"u8.ToArray(), result.Buffer.ToArray());
        Assert.True(result.IsCompleted);
    }

    [Fact]
    public async Task A_clean_end_of_the_connection_completes_the_session()
    {
        await using var peer = new RawYamuxPeer();
        peer.CloseOutput();
        Assert.Null(await peer.SessionEndAsync());
        Assert.Null(await peer.Session.AcceptStreamAsync());
    }

    [Fact]
    public async Task Connection_ending_mid_frame_is_a_connection_error()
    {
        await using var peer = new RawYamuxPeer();
        await peer.SendAsync(RawYamuxPeer.Syn(1));
        await peer.SendRawAsync([0, 0, 0]);
        peer.CloseOutput();
        var error = Assert.IsType<YamuxException>(await peer.SessionEndAsync());
        Assert.Equal(YamuxError.ConnectionError, error.Error);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new YamuxMuxer(new YamuxOptions { InitialStreamWindowSize = 1000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new YamuxMuxer(new YamuxOptions { MaxStreamWindowSize = 100_000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new YamuxMuxer(new YamuxOptions { MaxStreams = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new YamuxMuxer(new YamuxOptions { KeepAliveInterval = TimeSpan.Zero }));
        Assert.Equal("/yamux/1.0.0", new YamuxMuxer().ProtocolId);
    }

    [Fact]
    public void Random_bytes_from_the_remote_only_end_the_session_with_yamux_errors() =>
        Prop.ForAll<byte[]>(bytes => FuzzAsync(bytes).GetAwaiter().GetResult()).QuickCheckThrowOnFailure();

    [Fact]
    public void Random_well_formed_frames_only_end_the_session_with_yamux_errors() =>
        Prop.ForAll<int>(seed =>
        {
            var random = new Random(seed);
            var bytes = new List<byte>();
            for (var i = random.Next(1, 30); i > 0; i--)
            {
                var type = (YamuxFrameType)random.Next(4);
                var flags = (YamuxFlags)random.Next(16);
                var id = (uint)random.Next(0, 8);
                var length = type == YamuxFrameType.Data ? (uint)random.Next(0, 300) : (uint)random.Next();
                if (random.Next(20) == 0)
                {
                    length = (uint)random.Next();
                }

                var header = new byte[YamuxHeader.Size];
                new YamuxHeader(type, flags, id, length).Write(header);
                bytes.AddRange(header);
                if (type == YamuxFrameType.Data)
                {
                    var payload = new byte[Math.Min(length, 300)];
                    random.NextBytes(payload);
                    bytes.AddRange(payload);
                }
            }

            FuzzAsync([.. bytes]).GetAwaiter().GetResult();
        }).QuickCheckThrowOnFailure();

    /// <summary>Feeds <paramref name="bytes"/> to a session whose application accepts and reads everything.</summary>
    private static async Task FuzzAsync(byte[] bytes)
    {
        await using var peer = new RawYamuxPeer();
        var application = Task.Run(async () =>
        {
            while (await peer.Session.AcceptStreamAsync() is { } stream)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        while (true)
                        {
                            var result = await stream.Input.ReadAsync();
                            stream.Input.AdvanceTo(result.Buffer.End);
                            if (result.IsCompleted)
                            {
                                break;
                            }
                        }

                        await stream.Output.WriteAsync(new byte[100]);
                        await stream.DisposeAsync();
                    }
                    catch (YamuxException)
                    {
                    }
                });
            }
        });
        var draining = peer.ReadToEndAsync();
        await peer.SendRawAsync(bytes, mayClose: true);
        peer.CloseOutput();

        var error = await peer.SessionEndAsync();
        if (error is not null and not YamuxException)
        {
            throw new Xunit.Sdk.XunitException($"Expected a clean end or YamuxException, got {error}");
        }

        await application.WaitAsync(RawYamuxPeer.Timeout);
        await draining.WaitAsync(RawYamuxPeer.Timeout);
    }

    private static async Task ConsumeAsync(Casto.Stack.Connections.IMuxedStream stream, int count)
    {
        var result = await stream.Input.ReadAtLeastAsync(count).AsTask().WaitAsync(RawYamuxPeer.Timeout);
        Assert.True(result.Buffer.Length >= count);
        stream.Input.AdvanceTo(result.Buffer.GetPosition(count));
    }

    /// <summary>Reads data frames for stream 1 until <paramref name="expected"/> bytes; checks the frame size limit.</summary>
    private static async Task<int> ReadDataAsync(RawYamuxPeer peer, int expected)
    {
        var total = 0;
        while (total < expected)
        {
            var frame = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Data);
            Assert.InRange(frame.Payload.Length, 1, 64 * 1024);
            total += frame.Payload.Length;
        }

        return total;
    }

    private static async Task AssertNoFrameAsync(RawYamuxPeer peer, Func<YamuxHeader, bool> unwanted)
    {
        try
        {
            while (await peer.ReadFrameAsync(Quiet) is { } frame)
            {
                Assert.False(unwanted(frame.Header), $"unexpected frame {frame.Header}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
