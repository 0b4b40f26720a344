using Casto.Discovery.Signal;
using Casto.Stack.Identity;

namespace Casto.Discovery.Tests.Signal;

/// <summary>The room directory: watch-rooms lists rooms with members, then room-opened tells of each new one.</summary>
public sealed class SignalRoomDirectoryTests
{
    [Fact]
    public async Task A_watcher_gets_the_rooms_with_members_then_each_new_room_once()
    {
        await using var server = await SignalServer.StartAsync(null, SignalServerTests.Loopback);
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        await using var watcher = await SignalClient.ConnectAsync(server.Addresses[0], keyA);
        await using var b = await SignalClient.ConnectAsync(server.Addresses[0], keyB);
        await b.JoinAsync("first");
        await b.JoinAsync("gone");
        await b.LeaveAsync("gone"); // empty again: not listed

        Assert.Equal(["first"], await watcher.WatchRoomsAsync());
        await b.JoinAsync("first"); // a re-join opens nothing
        await b.JoinAsync("second");
        var opened = await SignalServerTests.NextAsync(watcher);
        Assert.Equal((SignalEventKind.RoomOpened, "second"), (opened.Kind, opened.Room));
        Assert.Equal(keyA.PeerId, opened.Peer);

        await watcher.JoinAsync("third"); // the opener itself is not told
        await b.JoinAsync("fourth");
        Assert.Equal("fourth", (await SignalServerTests.NextAsync(watcher)).Room);
        Assert.Equal(["first", "fourth", "second", "third"], (await watcher.WatchRoomsAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Watchers_are_bounded_and_must_register()
    {
        await using var server = await SignalServer.StartAsync(new SignalServerOptions { MaxRoomWatchers = 1 }, SignalServerTests.Loopback);
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        await using var a = await SignalClient.ConnectAsync(server.Addresses[0], keyA);
        await using var b = await SignalClient.ConnectAsync(server.Addresses[0], keyB);
        Assert.Empty(await a.WatchRoomsAsync());
        Assert.Empty(await a.WatchRoomsAsync()); // watching again takes no second place
        var full = await Assert.ThrowsAsync<SignalException>(() => b.WatchRoomsAsync());
        Assert.Equal(SignalError.RoomLimit, full.Error);

        await a.DisposeAsync(); // its place is freed
        await SignalRetry.UntilAsync(async () =>
        {
            try
            {
                await b.WatchRoomsAsync();
                return true;
            }
            catch (SignalException e) when (e.Error == SignalError.RoomLimit)
            {
                return false;
            }
        });
    }

    [Fact]
    public void The_codec_round_trips_room_lists()
    {
        var frame = SignalCodec.Encode(new SignalMessage { Type = SignalMessageType.Rooms, Id = 7, RoomNames = ["a", "b c", "ü"] });
        var parsed = SignalCodec.Parse(frame);
        Assert.Equal((SignalMessageType.Rooms, 7L), (parsed.Type, parsed.Id!.Value));
        Assert.Equal(["a", "b c", "ü"], parsed.RoomNames);
        Assert.Equal(SignalError.BadMessage, Assert.Throws<SignalException>(() => SignalCodec.Parse("{\"type\":\"rooms\",\"rooms\":[1]}"u8)).Error);
        Assert.Equal(SignalMessageType.RoomOpened, SignalCodec.Parse("{\"type\":\"room-opened\",\"room\":\"x\"}"u8).Type);
    }
}

internal static class SignalRetry
{
    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("condition never held");
    }
}
